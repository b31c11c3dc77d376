/*CMD
  command: /setchannel
  help: 
  need_reply: true
  auto_retry_time: 
  folder: Admin

  answer: Send the chat id of the withdrawals channel:
  keyboard: 
  aliases: 
  group: 
CMD*/

if(ADMIN != user.telegramid){ return Bot.sendMessage("⛔ Admins only") }
Bot.setProperty("payout_channel", message, "string")
Bot.sendMessage("📢 Withdrawals will be posted to " + message)
