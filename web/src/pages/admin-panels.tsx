import { useState } from "preact/hooks";
import { call, type Answer } from "../api/client";
import { useBot } from "../components/bot-context";
import { Failure } from "../components/failure";
import { Field } from "../components/field";
import { useAction } from "../components/use-action";
import { useLoad } from "../lib/use-load";
import type { Page } from "../pages";

type Panel = Answer<"GET /v2/bots/{id}/active_options">[number];
type PanelField = Panel["fields"][number];

/** The admin panels the bot defines, each a form its owner fills in. */
function AdminPanels() {
  const { bot } = useBot();
  const id = String(bot.id);
  const panels = useLoad(() => call("GET /v2/bots/{id}/active_options", { path: { id }, query: { per_page: 200 } }), [id]);
  return (
    <>
      <Failure error={panels.error} />
      {panels.data?.length === 0 && <div class="card"><h2>Admin panels</h2><p class="muted">This bot defines no admin panel (AdminPanel.setPanel in BJS).</p></div>}
      {panels.data?.map((panel) => <PanelForm key={panel.id} botId={id} panel={panel} />)}
    </>
  );
}

/** What a field shows in its input: passwords start empty (their value is never sent back). */
const shown = (field: PanelField) => (field.type === "password" || field.value === null || field.value === undefined ? "" : String(field.value));

function PanelForm(props: { botId: string; panel: Panel }) {
  const fields = props.panel.fields.filter((field) => !field.hidden);
  const [values, setValues] = useState<Record<string, string | boolean>>(() =>
    Object.fromEntries(fields.map((field) => [field.name, field.type === "checkbox" ? field.value === true : shown(field)])),
  );
  const [saved, setSaved] = useState(false);
  const action = useAction();
  const save = () =>
    action.run(async () => {
      setSaved(false);
      // An untouched password keeps its value: it is left out.
      const changed = Object.entries(values).filter(([name, value]) => !(fields.find((f) => f.name === name)?.type === "password" && value === ""));
      const typed = changed.map(([name, value]) => {
        const type = fields.find((field) => field.name === name)?.type;
        return [name, (type === "integer" || type === "float") && value !== "" ? Number(value) : value];
      });
      await call("PUT /v2/bots/{id}/active_options/{panel_id}", { path: { id: props.botId, panel_id: String(props.panel.id) }, body: { values: Object.fromEntries(typed) } });
      setSaved(true);
    });
  const set = (name: string) => (value: string | boolean) => setValues((previous) => ({ ...previous, [name]: value }));
  return (
    <form class="card" onSubmit={(event) => { event.preventDefault(); void save(); }}>
      <h2>{props.panel.title ?? props.panel.name}</h2>
      {props.panel.description && <p class="muted">{props.panel.description}</p>}
      {fields.map((field) =>
        field.type === "checkbox" ? (
          <label class="check" key={field.name}>
            <input type="checkbox" checked={values[field.name] === true} onChange={(event) => set(field.name)(event.currentTarget.checked)} />
            {field.title ?? field.name}
          </label>
        ) : (
          <Field
            key={field.name}
            label={field.title ?? field.name}
            hint={field.description ?? undefined}
            placeholder={field.type === "password" ? "unchanged" : field.placeholder ?? undefined}
            type={field.type === "password" ? "password" : field.type === "integer" || field.type === "float" ? "number" : "text"}
            step={field.type === "float" ? "any" : undefined}
            multiline={field.type === "text"}
            autocomplete="off"
            value={String(values[field.name] ?? "")}
            onValue={set(field.name)}
          />
        ),
      )}
      <Failure error={action.error} />
      {saved && <p role="status" class="notice">Saved{props.panel.on_saving ? `; ${props.panel.on_saving.command} runs with the new values` : ""}.</p>}
      <button type="submit" disabled={action.busy}>{props.panel.button_title ?? "Save"}</button>
    </form>
  );
}

export const page: Page = { path: "/bots/:id/admin-panels", title: "Admin panels", nav: "bot", order: 60, component: AdminPanels };
