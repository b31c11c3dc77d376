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

Bot.sendMessage("📊 This week: joins " + Bot.getProperty("week_joins", 0) + ", warnings " + Bot.getProperty("week_warnings", 0) + ", bans " + Bot.getProperty("week_bans", 0))
