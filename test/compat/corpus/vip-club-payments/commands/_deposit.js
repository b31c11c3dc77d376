/*CMD
  command: /deposit
  help: 
  need_reply: true
  auto_retry_time: 
  folder: 
  answer: How much do you want to deposit? (1-100 USD)
  keyboard: 
  aliases: 💵 Deposit
  group: 
CMD*/

var dialog = new SmartAmountDialog({ min: 1, max: 100, onlyInteger: true })
var ok = dialog.accept(message)
if(ok !== true){
  return Bot.sendMessage("❌ " + dialog.errMsg + ". Try /deposit again")
}
var url = Libs.Webhooks.getUrlFor({ command: "/onDeposit", user_id: user.id, content: String(dialog.amount) })
Bot.sendMessage("Open to pay $" + dialog.amount + ": " + url, { disable_web_page_preview: true, parse_mode: null })
