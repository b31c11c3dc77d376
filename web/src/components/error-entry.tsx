import type { Answer } from "../api/client";
import { Link } from "../lib/router";

/** An entry of a bot's error log. */
export type ErrorEntry = Answer<"GET /v2/bots/{id}/error_logs">[number];

/** The line of the command's code the stack trace points at (`/boom:3:7`), if any. */
export function errorLine(entry: ErrorEntry): number | undefined {
  const command = entry.scenario?.bot_command.command;
  if (!command || !entry.stack_trace) return undefined;
  const escaped = command.replace(/[.*+?^${}()|[\]\\]/g, "\\$&");
  const found = new RegExp(`${escaped}:(\\d+):`).exec(entry.stack_trace);
  return found ? Number(found[1]) : undefined;
}

/** One error: what, when, a link to the command and line, and the stack on demand. */
export function ErrorItem(props: { entry: ErrorEntry; botId: number | string }) {
  const { entry } = props;
  const command = entry.scenario?.bot_command;
  const line = errorLine(entry);
  return (
    <li>
      <div class="grow">
        <div class="title">{entry.title}</div>
        <div class="muted">
          <time dateTime={entry.created_at}>{new Date(entry.created_at).toLocaleString()}</time>
          {command && (
            <>
              {" · "}
              <Link href={`/bots/${props.botId}/commands/${command.id}${line ? `?line=${line}` : ""}`}>
                {command.command}{line ? `, line ${line}` : ""}
              </Link>
            </>
          )}
        </div>
        {entry.stack_trace && (
          <details>
            <summary>Stack trace</summary>
            <pre>{entry.stack_trace}</pre>
          </details>
        )}
      </div>
    </li>
  );
}
