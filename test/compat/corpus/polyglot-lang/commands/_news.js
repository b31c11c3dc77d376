/*CMD
  command: /news
  help: 
  need_reply: false
  auto_retry_time: 
  folder: 

  answer: 
  keyboard: 
  aliases: 
  group: 
CMD*/

Bot.sendMessage("📰 " + tr("news.today"))
