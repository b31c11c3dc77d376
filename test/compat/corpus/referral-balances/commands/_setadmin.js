/*CMD
  command: /setadmin
  help: 
  need_reply: false
  auto_retry_time: 
  folder: 

  answer: 
  keyboard: 
  aliases: 
  group: 
CMD*/

var admin = Bot.getProperty("admin_id")
if(admin && admin != user.telegramid){ return Bot.sendMessage("Admin is already set") }
Bot.setProperty("admin_id", user.telegramid, "integer")
Bot.sendMessage("You are the admin now")
