/*CMD
  command: /history
  help: 
  need_reply: false
  auto_retry_time: 
  folder: 
  answer: 
  keyboard: 
  aliases: 
  group: 
CMD*/

var list = User.getProperty("payments") || []
if(list.length == 0){ return Bot.sendMessage("No payments yet") }
var lines = list.map(function(p, i){ return (i+1) + ". " + p.what + " $" + p.amount + " (" + p.via + ")" })
Bot.sendMessage("🧾 Your payments:\n" + lines.join("\n"))
