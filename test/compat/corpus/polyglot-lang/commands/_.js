/*CMD
  command: *
  help: 
  need_reply: false
  auto_retry_time: 
  folder: 

  answer: 
  keyboard: 
  aliases: 
  group: 
CMD*/

// translated keyboard buttons lead to their commands
var cmd = Libs.Lang.getCommandByAlias(message)
if(cmd){
  Bot.runCommand(cmd)
  return
}
Bot.sendMessage(tr("unknown"))
