/*CMD
  command: /withdraw
  help: 
  need_reply: true
  auto_retry_time: 
  folder: 
  answer: How many coins to withdraw?
  keyboard: 
  aliases: 
  group: 
CMD*/

var coins = ResLib.userRes("coins")
var dialog = new SmartAmountDialog({ min: 10, curValue: coins.value(), onlyInteger: true, dialogErrors: { lessMin: "Minimum is {min} coins", moreCurValue: "You have only {curValue} coins" } })
if(dialog.accept(message) !== true){ return Bot.sendMessage("❌ " + dialog.errMsg) }
coins.remove(dialog.amount)
Bot.sendMessage("✅ " + dialog.amount + " coins sent for payout")
