/*CMD
  command: /price
  help: 
  need_reply: false
  auto_retry_time: 
  folder: 

  answer: 
  keyboard: 
  aliases: 
  group: 
CMD*/

Bot.sendMessage(tr("price", {p: Bot.getProperty("price", 10)}))
