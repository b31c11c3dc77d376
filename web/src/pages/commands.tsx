import { useState } from "preact/hooks";
import { call, type Answer } from "../api/client";
import { useBot } from "../components/bot-context";
import { Failure } from "../components/failure";
import { StartStop } from "../components/start-stop";
import { useAction } from "../components/use-action";
import { Link } from "../lib/router";
import { useLoad } from "../lib/use-load";
import type { Page } from "../pages";

type Command = Answer<"GET /v2/bots/{id}/commands">[number];

/** A bot's home: start/stop, and its commands by folder, searchable. */
function Commands() {
  const { bot } = useBot();
  const id = String(bot.id);
  const [search, setSearch] = useState("");
  const folders = useLoad(() => call("GET /v2/bots/{id}/commands_folders", { path: { id }, query: { per_page: 200 } }), [id]);
  const commands = useLoad(() => call("GET /v2/bots/{id}/commands", { path: { id }, query: { per_page: 200, q: search.trim() || undefined } }), [id, search]);
  const [title, setTitle] = useState("");
  const action = useAction();
  const addFolder = () =>
    action.run(async () => {
      await call("POST /v2/bots/{id}/commands_folders", { path: { id }, body: { title } });
      setTitle("");
      await folders.reload();
    });
  const removeFolder = (folderId: number) =>
    action.run(async () => {
      await call("DELETE /v2/bots/{id}/commands_folders/{folder_id}", { path: { id, folder_id: String(folderId) } });
      await Promise.all([folders.reload(), commands.reload()]);
    });
  const inFolder = (folderId: number | null) => (commands.data ?? []).filter((command) => command.commands_folder_id === folderId);

  return (
    <>
      <div class="card row spread">
        <StartStop />
        <Link class="button secondary" href={`/bots/${id}/playground`}>Open the playground</Link>
      </div>
      <div class="card">
        <div class="row spread">
          <h2>Commands</h2>
          <Link class="button" href={`/bots/${id}/commands/new`}>New command</Link>
        </div>
        <input type="search" aria-label="Search commands" placeholder="Search commands, answers and code" value={search} onInput={(event) => setSearch(event.currentTarget.value)} />
        <Failure error={commands.error ?? folders.error ?? action.error} />
        <CommandList commands={inFolder(null)} botId={id} />
        {(folders.data ?? []).map((folder) => (
          <section key={folder.id} aria-label={`Folder ${folder.title}`}>
            <div class="row spread">
              <h3><span class="badge">Folder</span> {folder.title}</h3>
              <button type="button" class="link" onClick={() => removeFolder(folder.id)} aria-label={`Delete folder ${folder.title}`}>Delete folder</button>
            </div>
            <CommandList commands={inFolder(folder.id)} botId={id} />
          </section>
        ))}
        <form class="row" onSubmit={(event) => { event.preventDefault(); void addFolder(); }}>
          <input class="grow" aria-label="New folder title" placeholder="New folder" required value={title} onInput={(event) => setTitle(event.currentTarget.value)} />
          <button type="submit" class="secondary" disabled={action.busy}>Add folder</button>
        </form>
      </div>
    </>
  );
}

function CommandList(props: { commands: Command[]; botId: string }) {
  if (props.commands.length === 0) return <p class="muted">No commands here.</p>;
  return (
    <ul class="list">
      {props.commands.map((command) => (
        <li key={command.id}>
          <Link class="title" href={`/bots/${props.botId}/commands/${command.id}`}><code>{command.command}</code></Link>
          {command.aliases.length > 0 && <span class="muted">also {command.aliases.map((alias) => alias.command).join(", ")}</span>}
          {command.answer && <span class="muted grow">{command.answer.slice(0, 80)}</span>}
        </li>
      ))}
    </ul>
  );
}

export const page: Page = { path: "/bots/:id", title: "Commands", nav: "bot", order: 1, component: Commands };
