/*CMD
  command: /withdraw
  help: 
  need_reply: false
  auto_retry_time: 
  folder: 

  answer: 
  keyboard: 
  aliases: 📤 withdraw
  group: 
CMD*/

var min = setting("min_withdraw", 10)
var bal = ResLib.userRes("balance")
if(bal.value() < min){
  Bot.sendMessage("❌ Minimum withdraw is " + min + " " + COIN + ". You have " + bal.value())
  return
}
if(!User.getProperty("wallet")){
  Bot.runCommand("/ask_wallet")
  return
}
Bot.runCommand("/ask_amount")
