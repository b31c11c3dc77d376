/*CMD
  command: /statsPage
  help: 
  need_reply: false
  auto_retry_time: 
  folder: Pages
  answer: 
  keyboard: 
  aliases: 
  group: 
CMD*/

let hits = Bot.getProperty("stats_hits", 0) + 1
Bot.setProperty("stats_hits", hits, "integer")
WebApp.render({ content: { hits: hits, users: Bot.getProperty("users", 0), status: "ok" } })
