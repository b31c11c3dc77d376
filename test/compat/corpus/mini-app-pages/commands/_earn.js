/*CMD
  command: /earn
  help: 
  need_reply: false
  auto_retry_time: 
  folder: 
  answer: 
  keyboard: 
  aliases: 
  group: 
CMD*/

let points = User.getProperty("points", 0) + 10
User.setProperty("points", points, "integer")
if (points >= 20) User.setProperty("level", "pro", "string")
Bot.sendMessage("+10 points, you have " + points)
