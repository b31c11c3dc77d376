/*CMD
  command: /wallet
  help: 
  need_reply: false
  auto_retry_time: 
  folder: 
  answer: 
  keyboard: 
  aliases: 💰 Wallet
  group: 
CMD*/

Bot.sendMessage("💰 You have " + ResLib.userRes("coins").value() + " coins")
