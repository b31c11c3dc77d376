/*CMD
  command: /balance
  help: 
  need_reply: false
  auto_retry_time: 
  folder: 

  answer: 
  keyboard: 
  aliases: 💰 balance, bal
  group: 
CMD*/

var bal = ResLib.userRes("balance")
Bot.sendMessage("💰 Balance: " + bal.value() + " " + COIN + "\n👥 Referrals: " + RefLib.getRefCount())
