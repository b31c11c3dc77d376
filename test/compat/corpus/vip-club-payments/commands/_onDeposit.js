/*CMD
  command: /onDeposit
  help: 
  need_reply: false
  auto_retry_time: 
  folder: 
  answer: 
  keyboard: 
  aliases: 
  group: 
CMD*/

if(!options){ return }
var amount = parseInt(content)
if(!amount){ throw new Error("deposit without amount") }
ResLib.userRes("usd").add(amount)
var list = User.getProperty("payments") || []
list.push({ what: "deposit", amount: amount, via: options.method })
User.setProperty("payments", list, "json")
Bot.sendMessage("💵 +$" + amount + " deposited. Balance: $" + ResLib.userRes("usd").value())
