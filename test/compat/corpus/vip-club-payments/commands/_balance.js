/*CMD
  command: /balance
  help: 
  need_reply: false
  auto_retry_time: 
  folder: 
  answer: 
  keyboard: 
  aliases: 💰 Balance
  group: 
CMD*/

var usd = ResLib.userRes("usd")
var vip = User.getProperty("vip") ? "💎 VIP" : "regular"
Bot.sendMessage("💰 Balance: $" + usd.value() + "\nStatus: " + vip)
