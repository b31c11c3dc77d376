/*CMD
  command: /users
  help: 
  need_reply: false
  auto_retry_time: 
  folder: 
  answer: 
  keyboard: 
  aliases: 
  group: 
CMD*/

Bot.setProperty("users", Bot.getProperty("users", 0) + 1, "integer")
Bot.sendMessage("Counted you in.")
