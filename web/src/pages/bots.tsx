import { useState } from "preact/hooks";
import { call } from "../api/client";
import { CreateBot } from "../components/create-bot";
import { Failure } from "../components/failure";
import { StatusBadge } from "../components/status-badge";
import { Link } from "../lib/router";
import { useLoad } from "../lib/use-load";
import type { Page } from "../pages";

function Bots() {
  const bots = useLoad(() => call("GET /v2/bots", { query: { per_page: 200 } }), []);
  const [search, setSearch] = useState("");
  const needle = search.trim().toLowerCase();
  const shown = (bots.data ?? []).filter((bot) => !needle || `${bot.name} @${bot.username ?? ""}`.toLowerCase().includes(needle));
  return (
    <>
      <h1>Your bots</h1>
      <CreateBot />
      <div class="card">
        <input type="search" aria-label="Search bots" placeholder="Search by name or @username" value={search} onInput={(event) => setSearch(event.currentTarget.value)} />
        <Failure error={bots.error} />
        {bots.data && shown.length === 0 && <p class="muted">{needle ? "No bot matches." : "No bots yet: create one above."}</p>}
        <ul class="list" aria-label="Bots">
          {shown.map((bot) => (
            <li key={bot.id}>
              <Link class="title" href={`/bots/${bot.id}`}>{bot.name}</Link>
              <StatusBadge status={bot.status} />
              <span class="muted">
                {bot.username ? `@${bot.username} · ` : ""}
                {bot.commands_count} commands · {bot.chats_count} chats
              </span>
            </li>
          ))}
        </ul>
      </div>
    </>
  );
}

export const page: Page = { path: "/", title: "Bots", nav: "main", order: 1, component: Bots };
