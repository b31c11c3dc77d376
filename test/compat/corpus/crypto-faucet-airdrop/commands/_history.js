/*CMD
  command: /history
  help: 
  need_reply: false
  auto_retry_time: 
  folder: 

  answer: 
  keyboard: 
  aliases: 📜 history
  group: 
CMD*/

var hist = User.getProperty("history", [])
if(hist.length == 0){ return Bot.sendMessage("No withdrawals yet") }
var txt = "📜 Your withdrawals:\n"
for(var i = 0; i < hist.length; i++){
  var w = Bot.getProperty("wd_" + hist[i])
  txt += "#" + hist[i] + " " + w.amount + " " + COIN + " " + w.status + "\n"
}
Bot.sendMessage(txt)
