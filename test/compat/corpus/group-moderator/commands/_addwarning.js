/*CMD
  command: /addwarning
  help: 
  need_reply: false
  auto_retry_time: 
  folder: 

  answer: 
  keyboard: 
  aliases: 
  group: 
CMD*/

var n = User.getProp("warnings", 0) + 1
User.setProp("warnings", n, "integer")
bump("week_warnings")
Bot.sendMessage("⚠️ " + user.first_name + ", you got a warning from " + options.by + " (" + options.reason + "): " + n + "/" + MAX_WARNS)
if(n >= MAX_WARNS){
  Bot.runCommand("/autoban")
}
