/*CMD
  command: /stats
  help: 
  need_reply: false
  auto_retry_time: 
  folder: Admin

  answer: 
  keyboard: 
  aliases: 
  group: 
CMD*/

if(Bot.getProperty("admin_id") != user.telegramid){ return Bot.sendMessage("⛔ Access denied") }
Bot.sendMessage("📊 Users: " + Bot.getProperty("users_count", 0) + "\nReferral bonus: " + Bot.getProperty("ref_bonus", 5))
