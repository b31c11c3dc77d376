/*CMD
  command: /setadmin
  help: The first to send it runs the shop
  need_reply: false
  auto_retry_time: 
  folder: Admin
  answer: 
  keyboard: 
  aliases: 
  group: 
CMD*/

if (Bot.getProp("admin_id", null) !== null) { Bot.sendMessage("The shop has an admin already."); return; }
Bot.setProp("admin_id", user.telegramid, "integer");
User.addToGroup("admin");
Bot.sendKeyboard("➕ Add product, 📋 Orders\n🛍 Catalog", "You run the shop now. Use the admin menu.");
