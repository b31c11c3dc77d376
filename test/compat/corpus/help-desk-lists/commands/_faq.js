/*CMD
  command: /faq
  help: 
  need_reply: false
  auto_retry_time: 
  folder: 
  answer: 
  keyboard: 
  aliases: ❓ faq
  group: 
CMD*/

Bot.setCache(120)
let n = Bot.getProperty("faq_builds", 0) + 1
Bot.setProperty("faq_builds", n, "integer")
Bot.sendMessage("FAQ\n1. Tickets are answered within a day.\n2. Send /newticket to ask.\n(built " + n + ")")
