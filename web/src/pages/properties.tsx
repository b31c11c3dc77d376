import { useState } from "preact/hooks";
import { call } from "../api/client";
import { useBot } from "../components/bot-context";
import { Failure } from "../components/failure";
import { useAction } from "../components/use-action";
import { useLoad } from "../lib/use-load";
import type { Page } from "../pages";

/** What the bot stored with Bot.setProperty and User.setProperty. */
function Properties() {
  const { bot } = useBot();
  const id = String(bot.id);
  const [scope, setScope] = useState<"bot" | "user" | "">("");
  const [name, setName] = useState("");
  const properties = useLoad(
    () => call("GET /v2/bots/{id}/properties", { path: { id }, query: { per_page: 200, scope: scope || undefined, name: name.trim() || undefined } }),
    [id, scope, name],
  );
  const action = useAction();
  const remove = (propertyId: number) =>
    action.run(async () => {
      await call("DELETE /v2/bots/{id}/properties/{property_id}", { path: { id, property_id: String(propertyId) } });
      await properties.reload();
    });
  return (
    <div class="card">
      <h2>Properties</h2>
      <div class="row">
        <select aria-label="Scope" value={scope} onChange={(event) => setScope(event.currentTarget.value as "bot" | "user" | "")} style={{ width: "auto" }}>
          <option value="">Bot and users</option>
          <option value="bot">Bot</option>
          <option value="user">Users</option>
        </select>
        <input class="grow" type="search" aria-label="Property name" placeholder="Name" value={name} onInput={(event) => setName(event.currentTarget.value)} />
      </div>
      <Failure error={properties.error ?? action.error} />
      {properties.data?.length === 0 && <p class="muted">No properties.</p>}
      <ul class="list" aria-label="Properties">
        {properties.data?.map((property) => (
          <li key={property.id}>
            <span class="title">{property.name}</span>
            <span class="muted">{property.scope === "user" ? `user ${property.user_id}` : "bot"} · {property.value_type}</span>
            <code class="grow">{JSON.stringify(property.value)?.slice(0, 200)}</code>
            <button type="button" class="danger" disabled={action.busy} onClick={() => remove(property.id)} aria-label={`Delete ${property.name}`}>Delete</button>
          </li>
        ))}
      </ul>
    </div>
  );
}

export const page: Page = { path: "/bots/:id/properties", title: "Properties", nav: "bot", order: 50, component: Properties };
