/*CMD
  command: /weekly
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
Bot.run({ command: "/weeklyReport", run_after: 7 * 24 * 3600, label: "weekly" })
Bot.sendMessage("📅 Weekly stats are on, the first report comes in 7 days")
