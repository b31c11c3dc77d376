/*CMD
  command: /setbonus
  help: 
  need_reply: true
  auto_retry_time: 
  folder: Admin

  answer: New referral bonus?
  keyboard: 
  aliases: 
  group: 
CMD*/

if(Bot.getProperty("admin_id") != user.telegramid){ return Bot.sendMessage("⛔ Access denied") }
var n = parseInt(message)
if(!n){ return Bot.sendMessage("Send a number") }
Bot.setProperty("ref_bonus", n, "integer")
Bot.sendMessage("Referral bonus is " + n + " coins now")
