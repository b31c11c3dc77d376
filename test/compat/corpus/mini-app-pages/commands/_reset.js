/*CMD
  command: /reset
  help: 
  need_reply: false
  auto_retry_time: 
  folder: 
  answer: 
  keyboard: 
  aliases: 
  group: 
CMD*/

User.setProperty("points", 0, "integer")
User.deleteProp("level")
Bot.sendMessage("Points reset.")
