/*CMD
  command: /withdraw
  help: 
  need_reply: true
  auto_retry_time: 
  folder: 

  answer: How many coins do you want to withdraw?
  keyboard: 
  aliases: 
  group: 
CMD*/

var amount = parseInt(message)
if(!amount || amount <= 0){ Bot.sendMessage("Send a number please"); return }
var coins = ResLib.userRes("coins")
if(!coins.have(amount)){
  Bot.sendMessage("❌ Not enough coins, you have " + coins.value())
  return
}
coins.remove(amount)
Bot.sendMessage("✅ Withdrawal of " + amount + " coins requested. Left: " + coins.value())
