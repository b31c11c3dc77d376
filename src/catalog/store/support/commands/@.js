/*CMD
  command: @
  help: 
  need_reply: false
  auto_retry_time: 
  folder: 
  answer: 
  keyboard: 
  aliases: 
  group: 
CMD*/

var adminId = Bot.getProp("admin_id", null);
var isAdmin = adminId !== null && adminId === user.telegramid;
