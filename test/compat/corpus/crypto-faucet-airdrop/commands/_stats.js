/*CMD
  command: /stats
  help: 
  need_reply: false
  auto_retry_time: 
  folder: 

  answer: 
  keyboard: 
  aliases: 📊 stats
  group: 
CMD*/

Bot.sendMessage("📊 Users: " + Bot.getProperty("total_users", 0) + "\n💸 Paid out: " + Bot.getProperty("total_paid", 0) + " " + COIN + "\nWithdrawals: " + Bot.getProperty("wd_count", 0))
