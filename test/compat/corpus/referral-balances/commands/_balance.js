/*CMD
  command: /balance
  help: 
  need_reply: false
  auto_retry_time: 
  folder: 

  answer: 
  keyboard: 
  aliases: 💰 balance, balance
  group: 
CMD*/

let coins = ResLib.userRes("coins")
Bot.sendMessage("💰 Balance: " + coins.value() + " coins")
