/*CMD
  command: /setadmin
  help: 
  need_reply: false
  auto_retry_time: 
  folder: Admin

  answer: 
  keyboard: 
  aliases: 
  group: 
CMD*/

if(Bot.getProperty("admin")){ return Bot.sendMessage("Admin is already set") }
Bot.setProperty("admin", user.id, "integer")
Bot.sendMessage("👑 Admin: " + user.first_name)
