/*CMD
  command: /withdraw
  help: 
  need_reply: true
  auto_retry_time: 
  folder: 
  answer: How much to withdraw?
  keyboard: 
  aliases: 💸 Withdraw
  group: 
CMD*/

var usd = ResLib.userRes("usd")
var dialog = new SmartAmountDialog({ min: 10, curValue: usd.value(), dialogErrors: { lessMin: "Minimum withdrawal is ${min}", moreCurValue: "You have only ${curValue}" } })
if(dialog.accept(message) !== true){
  return Bot.sendMessage("❌ " + dialog.errMsg)
}
usd.remove(dialog.amount)
Bot.sendMessage("✅ Withdrawal of $" + dialog.amount + " requested. Left: $" + usd.value())
