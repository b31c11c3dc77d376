/*CMD
  command: /stopweekly
  help: 
  need_reply: false
  auto_retry_time: 
  folder: 

  answer: 
  keyboard: 
  aliases: 
  group: 
CMD*/

if(Bot.getProperty("owner_id") != user.telegramid){ return Bot.sendMessage("⛔ Only the owner can do that") }
Bot.clearRunAfter({ label: "weekly" })
Bot.sendMessage("📅 Weekly stats are off")
