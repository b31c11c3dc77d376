import { useEffect, useRef, useState } from "preact/hooks";
import { call, type Answer } from "../api/client";
import { useBot } from "../components/bot-context";
import { Failure } from "../components/failure";
import { Field } from "../components/field";
import { useAction } from "../components/use-action";
import type { CodeEditor } from "../editor/code-editor";
import { syntaxProblem } from "../editor/syntax-problem";
import { navigate, showAddress } from "../lib/router";
import { useLoad } from "../lib/use-load";
import type { Page, PageProps } from "../pages";

type Command = Answer<"GET /v2/bots/{id}/commands/{command_id}">;

/** The form's fields, as strings and flags (the API's Command body). */
interface Form {
  command: string;
  aliases: string;
  answer: string;
  keyboard_body: string;
  help: string;
  group: string;
  commands_folder_id: string;
  need_reply: boolean;
  auto_retry_time: string;
}

function formOf(command?: Command): Form {
  return {
    command: command?.command ?? "",
    aliases: command?.aliases.map((alias) => alias.command).join(", ") ?? "",
    answer: command?.answer ?? "",
    keyboard_body: command?.keyboard_body ?? "",
    help: command?.help ?? "",
    group: command?.commands_group?.title ?? "",
    commands_folder_id: command?.commands_folder_id ? String(command.commands_folder_id) : "",
    need_reply: command?.need_reply ?? false,
    auto_retry_time: command?.auto_retry_time ? String(command.auto_retry_time) : "",
  };
}

/** Loads the command (none for `new`) and its bot's folders, then shows the editor. */
function CommandPage({ params, query }: PageProps) {
  const { bot } = useBot();
  const id = String(bot.id);
  const isNew = params.commandId === "new";
  const command = useLoad(
    () => (isNew ? Promise.resolve(undefined) : call("GET /v2/bots/{id}/commands/{command_id}", { path: { id, command_id: params.commandId! } })),
    [id, params.commandId],
  );
  const folders = useLoad(() => call("GET /v2/bots/{id}/commands_folders", { path: { id }, query: { per_page: 200 } }), [id]);
  if (command.error) return <Failure error={command.error} />;
  if (command.loading && !command.data && !isNew) return <p aria-busy="true">Loading…</p>;
  const line = Number(query.get("line")) || undefined;
  return <CommandForm key={params.commandId} botId={id} command={command.data} folders={folders.data ?? []} line={line} />;
}

function CommandForm(props: { botId: string; command?: Command; folders: Answer<"GET /v2/bots/{id}/commands_folders">; line?: number }) {
  // The command as saved last: none until a new one is created.
  const [command, setCommand] = useState(props.command);
  const [form, setForm] = useState(() => formOf(props.command));
  const [saved, setSaved] = useState(false);
  const action = useAction();
  const editorBox = useRef<HTMLDivElement>(null);
  const editor = useRef<CodeEditor | null>(null);
  const set = <K extends keyof Form>(name: K) => (value: Form[K]) => setForm((previous) => ({ ...previous, [name]: value }));

  useEffect(() => {
    let cancelled = false;
    // CodeMirror is loaded here only: the rest of the dashboard never downloads it.
    void import("../editor/code-editor").then(({ createEditor }) => {
      if (cancelled || !editorBox.current) return;
      editorBox.current.textContent = "";
      editor.current = createEditor(editorBox.current, { doc: props.command?.code ?? "", label: "BJS code", line: props.line, onChange: () => setSaved(false) });
    });
    return () => {
      cancelled = true;
      editor.current?.destroy();
    };
  }, []);

  const save = () =>
    action.run(async () => {
      setSaved(false);
      const code = editor.current?.value() ?? command?.code ?? "";
      const problem = syntaxProblem(code);
      if (problem) throw new Error(`The BJS code does not parse: ${problem}. Fix it before saving.`);
      const body = { ...form, commands_folder_id: form.commands_folder_id ? Number(form.commands_folder_id) : null, bjs_code: code };
      if (command) {
        setCommand(await call("PUT /v2/bots/{id}/commands/{command_id}", { path: { id: props.botId, command_id: String(command.id) }, body }));
      } else {
        const created = await call("POST /v2/bots/{id}/commands", { path: { id: props.botId }, body });
        setCommand(created);
        showAddress(`/bots/${props.botId}/commands/${created.id}`);
      }
      setSaved(true);
    });
  const remove = () => {
    if (!command || !confirm(`Delete ${command.command}?`)) return;
    void action.run(async () => {
      await call("DELETE /v2/bots/{id}/commands/{command_id}", { path: { id: props.botId, command_id: String(command.id) } });
      navigate(`/bots/${props.botId}`);
    });
  };

  return (
    <form class="card" onSubmit={(event) => { event.preventDefault(); void save(); }}>
      <h2>{command ? `Command ${command.command}` : "New command"}</h2>
      <div class="row">
        <div class="grow"><Field label="Command" required placeholder="/start" value={form.command} onValue={set("command")} hint="/start, a word, * (any message) or @ (before every command)" /></div>
        <div class="grow"><Field label="Aliases" value={form.aliases} onValue={set("aliases")} hint="Other names, separated by commas" /></div>
      </div>
      <Field label="Answer" multiline value={form.answer} onValue={set("answer")} hint="Sent before the code runs; Markdown" />
      <Field label="Keyboard" value={form.keyboard_body} onValue={set("keyboard_body")} hint="Buttons separated by commas; a new line starts a row" multiline rows={2} />
      <div class="field">
        <label id="bjs-label">BJS code</label>
        <div class="editor" ref={editorBox} aria-labelledby="bjs-label">
          <p class="muted" style={{ padding: "0.5rem" }}>Loading the editor…</p>
        </div>
        {props.line && <small>Line {props.line} is where the error was logged.</small>}
      </div>
      <div class="row">
        <div class="grow"><Field label="Help" value={form.help} onValue={set("help")} /></div>
        <div class="grow"><Field label="Group" value={form.group} onValue={set("group")} hint="Only this user group may run it" /></div>
      </div>
      <div class="row">
        <div class="grow field">
          <label for="folder">Folder</label>
          <select id="folder" value={form.commands_folder_id} onChange={(event) => set("commands_folder_id")(event.currentTarget.value)}>
            <option value="">(no folder)</option>
            {props.folders.map((folder) => <option key={folder.id} value={String(folder.id)}>{folder.title}</option>)}
          </select>
        </div>
        <div class="grow"><Field label="Auto-retry (seconds)" type="number" value={form.auto_retry_time} onValue={set("auto_retry_time")} hint="Runs by itself every this many seconds while the bot works (no user or chat); empty: never" /></div>
      </div>
      <label class="check">
        <input type="checkbox" checked={form.need_reply} onChange={(event) => set("need_reply")(event.currentTarget.checked)} />
        Wait for the user's answer (the next message runs this command)
      </label>
      <Failure error={action.error} />
      {saved && <p role="status" class="notice">Saved.</p>}
      <div class="row spread">
        <button type="submit" disabled={action.busy}>Save</button>
        {command && <button type="button" class="danger" onClick={remove} disabled={action.busy}>Delete</button>}
      </div>
    </form>
  );
}

export const page: Page = { path: "/bots/:id/commands/:commandId", title: "Command", component: CommandPage };
