/*CMD
  command: /setrules
  help: 
  need_reply: true
  auto_retry_time: 
  folder: 

  answer: Send the new rules:
  keyboard: 
  aliases: 
  group: 
CMD*/

if(Bot.getProperty("owner_id") != user.telegramid){ return Bot.sendMessage("⛔ Only the owner can do that") }
Bot.setProperty("rules", message, "text")
Bot.sendMessage("📜 Rules saved (" + now() + ")")
