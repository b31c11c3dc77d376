import { describe, expect, it } from "vitest";
import { engines, usePlatform } from "../support/platform.js";
import { createBot, signUpClient } from "../support/bots.js";

describe.each(engines())("chats and bot users on %s", (engine) => {
  const t = usePlatform(engine);

  async function botWithChats() {
    const { api } = await signUpClient(t.app);
    const bot = await createBot(api);
    const alice = { id: 1001, is_bot: false, first_name: "Alice", username: "alice" };
    const { row: user } = await t.platform.botUsers.remember(bot.id, alice);
    const { row: privateChat } = await t.platform.chats.remember(bot.id, { id: 1001, type: "private", first_name: "Alice", username: "alice" }, user.id);
    const { row: group } = await t.platform.chats.remember(bot.id, { id: -100123, type: "supergroup", title: "Fans" });
    return { api, bot, user, privateChat, group, base: `/v2/bots/${bot.id}` };
  }

  it("remembers users and chats once, telling the first time apart, and refreshes names", async () => {
    const { bot, user, privateChat } = await botWithChats();
    const again = await t.platform.botUsers.remember(bot.id, { id: 1001, is_bot: false, first_name: "Alice", username: "alice" });
    expect(again).toEqual({ row: user, justCreated: false });
    t.clock.advance(1000);
    const renamed = await t.platform.botUsers.remember(bot.id, { id: 1001, is_bot: false, first_name: "Alicia", username: "alice" });
    expect(renamed.row).toMatchObject({ id: user.id, first_name: "Alicia" });
    expect(renamed.row.updated_at).not.toBe(user.updated_at);
    const fresh = await t.platform.botUsers.remember(bot.id, { id: 2002, is_bot: false, first_name: "Bob" });
    expect(fresh.justCreated).toBe(true);
    expect((await t.platform.chats.remember(bot.id, { id: 1001, type: "private", first_name: "Alice" }, user.id)).justCreated).toBe(false);
    expect((await t.platform.chats.byChatId(bot.id, 1001))?.id).toBe(privateChat.id);
    expect((await t.platform.botUsers.byTelegramId(bot.id, 1001))?.id).toBe(user.id);
  });

  it("keeps one user group per user", async () => {
    const { bot, user } = await botWithChats();
    expect((await t.platform.botUsers.setGroup(user, "admins")).user_group).toBe("admins");
    expect((await t.platform.botUsers.setGroup(user, "vip")).user_group).toBe("vip");
    expect((await t.platform.botUsers.setGroup(user, null)).user_group).toBeNull();
    expect((await t.platform.botUsers.byId(bot.id, user.id))?.user_group).toBeNull();
  });

  it("lists chats as Chat, filtered by type", async () => {
    const { api, base, user, privateChat, group } = await botWithChats();
    const response = await api.get(`${base}/chats`);
    expect(response.statusCode).toBe(200);
    expect(response.headers["x-total-count"]).toBe("2");
    const [first, second] = response.json();
    expect(Object.keys(first).sort()).toEqual(["blocked", "chat_type", "chatid", "created_at", "id", "title", "updated_at", "user_id", "username"]);
    expect(first).toMatchObject({ id: privateChat.id, chatid: "1001", chat_type: "private", title: null, user_id: user.id, username: "alice", blocked: false });
    expect(second).toMatchObject({ id: group.id, chatid: "-100123", chat_type: "supergroup", title: "Fans", user_id: null });
    expect((await api.get(`${base}/chats?chat_type=supergroup`)).json().map((c: { id: number }) => c.id)).toEqual([group.id]);
    expect((await api.get(`${base}/chats?chat_type=channel`)).json()).toEqual([]);
    const bad = await api.get(`${base}/chats?chat_type=secret`);
    expect(bad.statusCode).toBe(422);
    expect(bad.json()).toEqual({ errors: ["Chat type must be one of: private, group, supergroup, channel"] });
    expect((await api.get(base)).json().chats_count).toBe(2);
  });

  it("blocks and unblocks a chat by its internal id", async () => {
    const { api, base, group } = await botWithChats();
    const blocked = await api.post(`${base}/chats/${group.id}/block`);
    expect(blocked.statusCode).toBe(200);
    expect(blocked.json()).toMatchObject({ id: group.id, blocked: true });
    expect((await api.post(`${base}/chats/${group.id}/block`)).json().blocked).toBe(true);
    expect((await api.post(`${base}/chats/${group.id}/unblock`)).json()).toMatchObject({ id: group.id, blocked: false });
    for (const id of ["999999", "abc", "-100123"]) {
      const missing = await api.post(`${base}/chats/${id}/block`);
      expect(missing.statusCode).toBe(404);
      expect(missing.json()).toEqual({ error: "Chat not found" });
    }
  });

  it("does not block another bot's chat through its own bot path", async () => {
    const { api, group } = await botWithChats();
    const other = await createBot(api, { name: "Other" });
    expect((await api.post(`/v2/bots/${other.id}/chats/${group.id}/block`)).statusCode).toBe(404);
  });
});
