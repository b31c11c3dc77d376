/*CMD
  command: /reply
  help: Admin: answer a user
  need_reply: false
  auto_retry_time: 
  folder: Admin
  answer: 
  keyboard: 
  aliases: 
  group: 
CMD*/

if (!isAdmin) { Bot.sendMessage("Only the support admin can reply."); return; }
var match = /^(\d+)\s+([\s\S]+)$/.exec(params || "");
if (!match) { Bot.sendMessage("Use: /reply <user id> <text>", { parse_mode: null }); return; }
Bot.sendMessageToChatWithId(Number(match[1]), "💬 Support: " + match[2], { parse_mode: null });
Bot.sendMessage("Sent.");
