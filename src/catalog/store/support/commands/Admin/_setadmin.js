/*CMD
  command: /setadmin
  help: The first to send it becomes the support admin
  need_reply: false
  auto_retry_time: 
  folder: Admin
  answer: 
  keyboard: 
  aliases: 
  group: 
CMD*/

if (adminId !== null) { Bot.sendMessage(isAdmin ? "You are already the admin." : "An admin is already set."); return; }
Bot.setProp("admin_id", user.telegramid, "integer");
Bot.sendMessage("You are the support admin now. Questions from users will come here.");
