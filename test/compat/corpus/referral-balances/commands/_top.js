/*CMD
  command: /top
  help: 
  need_reply: false
  auto_retry_time: 
  folder: 

  answer: 
  keyboard: 
  aliases: 🏆 top
  group: 
CMD*/

var top = RefLib.getTopList().get()
if(!top.length){ return Bot.sendMessage("Nobody invited anyone yet") }
var text = "🏆 Top inviters\n"
for(var i = 0; i < top.length; i++){
  text += (i+1) + ". " + top[i].user.first_name + " — " + top[i].value + "\n"
}
Bot.sendMessage(text)
