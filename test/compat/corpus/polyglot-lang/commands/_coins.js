/*CMD
  command: /coins
  help: 
  need_reply: false
  auto_retry_time: 
  folder: 

  answer: 
  keyboard: 
  aliases: 
  group: 
CMD*/

User.setProperty("coins", User.getProperty("coins", 0) + 5, "integer")
Bot.sendMessage("+5 🪙")
