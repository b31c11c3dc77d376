/*CMD
  command: Balance
  help: 
  need_reply: false
  auto_retry_time: 
  folder: 
  answer: 
  keyboard: 
  aliases: /balance, 💰
  group: 
CMD*/

Bot.sendMessage("Your balance: " + User.getProperty("balance", 0) + " coins");
