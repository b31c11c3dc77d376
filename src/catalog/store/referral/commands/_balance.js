/*CMD
  command: /balance
  help: Your points
  need_reply: false
  auto_retry_time: 
  folder: 
  answer: 
  keyboard: 
  aliases: 💰 balance, balance
  group: 
CMD*/

Bot.sendMessage("You have " + points + " points. Friends invited: " + invited + ".");
