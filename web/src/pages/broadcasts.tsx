import { useEffect, useState } from "preact/hooks";
import { call, type Answer } from "../api/client";
import { useBot } from "../components/bot-context";
import { Failure } from "../components/failure";
import { Field } from "../components/field";
import { useAction } from "../components/use-action";
import { useLoad } from "../lib/use-load";
import type { Page } from "../pages";

type Task = Answer<"GET /v2/bots/{id}/broadcasts">[number];
type ForChats = Task["for_chats"];

/** How often the list refreshes while a task is new or in progress. */
const REFRESH_MS = 2000;

const audiences: [ForChats, string][] = [
  ["all", "All chats"],
  ["private-chats", "Private chats"],
  ["group-chats", "Groups"],
  ["super-group-chats", "Supergroups"],
];

const badgeClass: Record<Task["status"], string> = {
  new: "status-start_launch",
  "in progress": "status-works",
  paused: "",
  terminated: "status-error",
  finished: "",
};

/** One task: what it sends, its status and counters, and its controls. */
function TaskItem(props: { task: Task; busy: boolean; act: (task: Task, action: "pause" | "resume" | "delete") => void }) {
  const { task, busy, act } = props;
  const what = task.command ?? `“${task.text}”`;
  const finish = task.estimated_finish_at ? ` · done about ${new Date(task.estimated_finish_at).toLocaleTimeString()}` : "";
  return (
    <li aria-label={`Broadcast ${task.id}`}>
      <div class="grow">
        <div class="title">{what}</div>
        <small class="muted">
          {task.processed} of {task.total} · {task.delivered} delivered · {task.failed} failed · {task.blocked} blocked · {task.pending} pending · {task.speed}/s{finish}
        </small>
      </div>
      <span class={`badge ${badgeClass[task.status]}`}>{task.status}</span>
      {(task.status === "new" || task.status === "in progress") && (
        <button type="button" class="secondary" disabled={busy} onClick={() => act(task, "pause")}>Pause</button>
      )}
      {task.status === "paused" && (
        <button type="button" class="secondary" disabled={busy} onClick={() => act(task, "resume")}>Resume</button>
      )}
      <button type="button" class="danger" disabled={busy} aria-label={`Delete broadcast ${task.id}`} onClick={() => act(task, "delete")}>Delete</button>
    </li>
  );
}

/** The bot's broadcasts, newest first, with their progress; a text can be sent to every chat from here. */
function Broadcasts() {
  const { bot } = useBot();
  const id = String(bot.id);
  const tasks = useLoad(() => call("GET /v2/bots/{id}/broadcasts", { path: { id }, query: { per_page: 50 } }), [id]);
  const [text, setText] = useState("");
  const [forChats, setForChats] = useState<ForChats>("all");
  const action = useAction();
  const active = tasks.data?.some((task) => task.status === "new" || task.status === "in progress") ?? false;
  useEffect(() => {
    if (!active) return;
    const timer = setInterval(() => void tasks.reload(), REFRESH_MS);
    return () => clearInterval(timer);
  }, [active, tasks.reload]);

  const act = (task: Task, what: "pause" | "resume" | "delete") =>
    action.run(async () => {
      const path = { id, task_id: String(task.id) };
      if (what === "delete") {
        if (!confirm(`Delete broadcast ${task.id}? Messages already sent stay sent.`)) return;
        await call("DELETE /v2/bots/{id}/broadcasts/{task_id}", { path });
      } else if (what === "pause") await call("POST /v2/bots/{id}/broadcasts/{task_id}/pause", { path });
      else await call("POST /v2/bots/{id}/broadcasts/{task_id}/resume", { path });
      await tasks.reload();
    });
  const send = () =>
    action.run(async () => {
      await call("POST /v2/bots/{id}/broadcasts", { path: { id }, body: { text, for_chats: forChats } });
      setText("");
      await tasks.reload();
    });

  return (
    <>
      <div class="card">
        <h2>Broadcasts</h2>
        <p class="muted">
          Each broadcast reaches every chat of its kind once, in order, at Telegram's pace. BJS starts one with <code>Bot.runAll</code>; here you can send a text.
        </p>
        <Failure error={tasks.error ?? action.error} />
        {tasks.data?.length === 0 && <p class="muted">No broadcasts yet.</p>}
        <ul class="list" aria-label="Broadcasts">
          {tasks.data?.map((task) => <TaskItem key={task.id} task={task} busy={action.busy} act={act} />)}
        </ul>
      </div>
      <form class="card" aria-label="Send a text to every chat" onSubmit={(event) => { event.preventDefault(); void send(); }}>
        <h2>Send a text</h2>
        <Field label="Text" multiline rows={3} required maxLength={4096} value={text} onValue={setText} />
        <div class="row">
          <select aria-label="Recipients" value={forChats} onChange={(event) => setForChats(event.currentTarget.value as ForChats)} style={{ width: "auto" }}>
            {audiences.map(([value, label]) => <option key={value} value={value}>{label}</option>)}
          </select>
          <button type="submit" disabled={action.busy || !text.trim()}>Send to every chat</button>
        </div>
      </form>
    </>
  );
}

export const page: Page = { path: "/bots/:id/broadcasts", title: "Broadcasts", nav: "bot", order: 45, component: Broadcasts };
