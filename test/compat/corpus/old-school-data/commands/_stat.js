/*CMD
  command: /stat
  help: 
  need_reply: false
  auto_retry_time: 
  folder: 
  answer: 
  keyboard: 
  aliases: 
  group: 
CMD*/

Bot.sendMessage("users with the bot: " + (Bot.getProperty("users", 0)));
