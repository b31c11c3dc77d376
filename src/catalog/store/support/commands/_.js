/*CMD
  command: *
  help: A question for support
  need_reply: false
  auto_retry_time: 
  folder: 
  answer: 
  keyboard: 
  aliases: 
  group: 
CMD*/

if (isAdmin) { Bot.sendMessage("Answer a user with /reply <user id> <text>.", { parse_mode: null }); return; }
if (adminId === null) { Bot.sendMessage("Support is not set up yet. Please try later."); return; }
var text = message || "(no text)";
Bot.sendMessageToChatWithId(adminId, "📩 From " + user.first_name + " (id " + user.telegramid + "):\n" + text, { parse_mode: null });
Bot.sendMessage("✅ Sent to support. We will answer here.");
