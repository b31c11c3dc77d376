import { useState } from "preact/hooks";
import { call, type Answer } from "../api/client";
import { useBot } from "../components/bot-context";
import { Failure } from "../components/failure";
import { useAction } from "../components/use-action";
import { useLoad } from "../lib/use-load";
import type { Page } from "../pages";

type ChatType = Answer<"GET /v2/bots/{id}/chats">[number]["chat_type"];

/** The chats the bot has seen; a blocked chat gets no answer from it. */
function Chats() {
  const { bot } = useBot();
  const id = String(bot.id);
  const [type, setType] = useState<ChatType | "">("");
  const chats = useLoad(() => call("GET /v2/bots/{id}/chats", { path: { id }, query: { per_page: 200, chat_type: type || undefined } }), [id, type]);
  const action = useAction();
  const toggle = (chatId: number, blocked: boolean) =>
    action.run(async () => {
      const path = { id, bb_chat_id: String(chatId) };
      await (blocked ? call("POST /v2/bots/{id}/chats/{bb_chat_id}/unblock", { path }) : call("POST /v2/bots/{id}/chats/{bb_chat_id}/block", { path }));
      await chats.reload();
    });
  return (
    <div class="card">
      <div class="row spread">
        <h2>Chats</h2>
        <select aria-label="Chat type" value={type} onChange={(event) => setType(event.currentTarget.value as ChatType | "")} style={{ width: "auto" }}>
          <option value="">All chats</option>
          <option value="private">Private</option>
          <option value="group">Groups</option>
          <option value="supergroup">Supergroups</option>
          <option value="channel">Channels</option>
        </select>
      </div>
      <Failure error={chats.error ?? action.error} />
      {chats.data?.length === 0 && <p class="muted">No chats yet.</p>}
      <ul class="list" aria-label="Chats">
        {chats.data?.map((chat) => (
          <li key={chat.id}>
            <span class="title grow">{chat.title ?? (chat.username ? `@${chat.username}` : chat.chatid)}</span>
            <span class="muted">{chat.chat_type} · {chat.chatid}</span>
            {chat.blocked && <span class="badge status-error">Blocked</span>}
            <button type="button" class={chat.blocked ? "secondary" : "danger"} disabled={action.busy} onClick={() => toggle(chat.id, chat.blocked)}>
              {chat.blocked ? "Unblock" : "Block"}
            </button>
          </li>
        ))}
      </ul>
    </div>
  );
}

export const page: Page = { path: "/bots/:id/chats", title: "Chats", nav: "bot", order: 40, component: Chats };
