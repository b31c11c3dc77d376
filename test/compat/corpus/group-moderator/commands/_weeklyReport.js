/*CMD
  command: /weeklyReport
  help: 
  need_reply: false
  auto_retry_time: 
  folder: 

  answer: 
  keyboard: 
  aliases: 
  group: 
CMD*/

Bot.sendMessage("📊 Weekly report (" + now() + ")\nNew members: " + Bot.getProperty("week_joins", 0) + "\nWarnings: " + Bot.getProperty("week_warnings", 0) + "\nBans: " + Bot.getProperty("week_bans", 0))
Bot.setProperty("week_joins", 0, "integer")
Bot.setProperty("week_warnings", 0, "integer")
Bot.setProperty("week_bans", 0, "integer")
Bot.run({ command: "/weeklyReport", run_after: 7 * 24 * 3600, label: "weekly" })
