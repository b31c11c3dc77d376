import { describe, expect, it } from "vitest";
import { FakeClock } from "../../support/fake-clock.js";
import { scene, telegramError } from "./harness.js";

async function groupScene(options: { botIsAdmin: boolean; clock?: FakeClock }) {
  const s = await scene(options.clock ? { clock: options.clock } : {});
  const bob = await s.emulator.client.createUser({ first_name: "Bob" });
  const group = await s.emulator.client.createGroup({
    title: "Friends",
    type: "supergroup",
    members: [s.alice, bob, s.bot],
    admins: options.botIsAdmin ? [s.bot] : [],
  });
  return { ...s, bob, group };
}

describe("chats and members", () => {
  it("describes private chats and groups", async () => {
    const { api, alice, group } = await groupScene({ botIsAdmin: false });
    expect((await api("getChat", { chat_id: alice.id })).body.result).toMatchObject({ id: alice.id, type: "private", first_name: "Alice" });
    expect((await api("getChat", { chat_id: group.id })).body.result).toMatchObject({ id: group.id, type: "supergroup", title: "Friends" });
    expect(String(group.id)).toMatch(/^-100\d+$/);
    expect((await api("getChatMemberCount", { chat_id: group.id })).body.result).toBe(3);
    expect((await api("getChatMember", { chat_id: group.id, user_id: alice.id })).body.result).toMatchObject({
      status: "creator",
      user: { id: alice.id },
    });
    expect(await api("getChat", { chat_id: -5 })).toEqual(telegramError(400, "Bad Request: chat not found"));
    expect(await api("getChatMemberCount", { chat_id: "@nobody" })).toEqual(telegramError(400, "Bad Request: chat not found"));
    expect(await api("getChatMember", { chat_id: group.id, user_id: 5 })).toEqual(telegramError(400, "Bad Request: user not found"));
  });

  it("bans and unbans only as an administrator, never the owner", async () => {
    const member = await groupScene({ botIsAdmin: false });
    expect(await member.api("banChatMember", { chat_id: member.group.id, user_id: member.bob.id })).toEqual(
      telegramError(400, "Bad Request: not enough rights to restrict/ban chat member"),
    );
    const { api, group, bob, alice } = await groupScene({ botIsAdmin: true });
    expect((await api("banChatMember", { chat_id: group.id, user_id: bob.id })).body.result).toBe(true);
    expect((await api("getChatMember", { chat_id: group.id, user_id: bob.id })).body.result.status).toBe("kicked");
    expect((await api("unbanChatMember", { chat_id: group.id, user_id: bob.id, only_if_banned: true })).body.result).toBe(true);
    expect((await api("getChatMember", { chat_id: group.id, user_id: bob.id })).body.result.status).toBe("left");
    expect(await api("banChatMember", { chat_id: group.id, user_id: alice.id })).toEqual(
      telegramError(400, "Bad Request: can't remove chat owner"),
    );
    expect(await api("banChatMember", { chat_id: alice.id, user_id: alice.id })).toEqual(
      telegramError(400, "Bad Request: chat member status can't be changed in private chats"),
    );
  });

  it("restricts a supergroup member until the date, or until every permission is granted back", async () => {
    const clock = new FakeClock();
    const { api, group, bob, alice } = await groupScene({ botIsAdmin: true, clock });
    const until = Math.floor(clock.now() / 1000) + 3600;
    expect((await api("restrictChatMember", { chat_id: group.id, user_id: bob.id, permissions: { can_send_messages: false }, until_date: until })).body.result).toBe(true);
    expect((await api("getChatMember", { chat_id: group.id, user_id: bob.id })).body.result).toMatchObject({
      status: "restricted", is_member: true, until_date: until, can_send_messages: false, can_invite_users: false,
    });
    await expect(bob.sendText(group, "hi")).rejects.toThrow("may not send messages");
    clock.advance(3600 * 1000);
    expect((await api("getChatMember", { chat_id: group.id, user_id: bob.id })).body.result.status).toBe("member");
    expect((await bob.sendText(group, "back")).text).toBe("back");

    // A date under 30 seconds ahead is forever; granting everything lifts it.
    await api("restrictChatMember", { chat_id: group.id, user_id: bob.id, permissions: JSON.stringify({ can_send_messages: false }), until_date: 1 });
    clock.advance(400 * 86400 * 1000);
    expect((await api("getChatMember", { chat_id: group.id, user_id: bob.id })).body.result).toMatchObject({ status: "restricted", until_date: 0 });
    const everything = Object.fromEntries(["can_send_messages", "can_send_audios", "can_send_documents", "can_send_photos", "can_send_videos", "can_send_video_notes", "can_send_voice_notes", "can_send_polls", "can_send_other_messages", "can_add_web_page_previews", "can_change_info", "can_invite_users", "can_pin_messages", "can_manage_topics"].map((name) => [name, true]));
    await api("restrictChatMember", { chat_id: group.id, user_id: bob.id, permissions: everything });
    expect((await api("getChatMember", { chat_id: group.id, user_id: bob.id })).body.result.status).toBe("member");

    expect(await api("restrictChatMember", { chat_id: group.id, user_id: bob.id })).toEqual(telegramError(400, 'Bad Request: parameter "permissions" is required'));
    expect(await api("restrictChatMember", { chat_id: group.id, user_id: alice.id, permissions: {} })).toEqual(telegramError(400, "Bad Request: can't remove chat owner"));
    const plain = await api("restrictChatMember", { chat_id: alice.id, user_id: bob.id, permissions: {} });
    expect(plain).toEqual(telegramError(400, "Bad Request: chat member status can't be changed in private chats"));
  });

  it("pins messages, and leaves a group after which it may not write there", async () => {
    const { api, group, alice } = await groupScene({ botIsAdmin: true });
    const sent = (await api("sendMessage", { chat_id: group.id, text: "rules" })).body.result;
    expect((await api("pinChatMessage", { chat_id: group.id, message_id: sent.message_id })).body.result).toBe(true);
    expect((await api("getChat", { chat_id: group.id })).body.result.pinned_message.text).toBe("rules");
    expect(await api("pinChatMessage", { chat_id: group.id, message_id: 99 })).toEqual(
      telegramError(400, "Bad Request: message to pin not found"),
    );
    expect((await api("leaveChat", { chat_id: group.id })).body.result).toBe(true);
    expect(await api("sendMessage", { chat_id: group.id, text: "hi" })).toEqual(
      telegramError(403, "Forbidden: bot is not a member of the supergroup chat"),
    );
    expect(await api("leaveChat", { chat_id: alice.id })).toEqual(
      telegramError(400, "Bad Request: chat member status can't be changed in private chats"),
    );
  });

  it("keeps command menus per scope and language", async () => {
    const { api } = await scene();
    const commands = [{ command: "start", description: "Begin" }];
    expect((await api("setMyCommands", { commands })).body.result).toBe(true);
    expect((await api("setMyCommands", { commands: [{ command: "help" }], language_code: "de" })).body.description).toBe(
      "Bad Request: command description is empty",
    );
    expect(await api("setMyCommands", { commands: [{ command: "Bad Cmd", description: "x" }] })).toEqual(
      telegramError(400, "Bad Request: BOT_COMMAND_INVALID"),
    );
    expect((await api("getMyCommands")).body.result).toEqual(commands);
    expect((await api("getMyCommands", { language_code: "de" })).body.result).toEqual([]);
  });
});
