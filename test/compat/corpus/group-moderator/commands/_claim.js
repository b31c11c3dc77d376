/*CMD
  command: /claim
  help: 
  need_reply: false
  auto_retry_time: 
  folder: 

  answer: 
  keyboard: 
  aliases: 
  group: 
CMD*/

if(!isGroup){ return Bot.sendMessage("Send /claim in your group") }
if(Bot.getProperty("owner_id")){ return Bot.sendMessage("This bot already has an owner") }
Bot.setProperty("owner_id", user.telegramid, "integer")
Bot.setProperty("group_id", chat.chatid, "string")
Bot.sendMessage("👑 " + user.first_name + " is the owner now")
