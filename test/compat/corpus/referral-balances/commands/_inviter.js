/*CMD
  command: /inviter
  help: 
  need_reply: false
  auto_retry_time: 
  folder: 

  answer: 
  keyboard: 
  aliases: 
  group: 
CMD*/

var by = RefLib.getAttractedBy()
if(!by){ return Bot.sendMessage("Nobody invited you") }
Bot.sendMessage("You were invited by " + CommonLib.getNameFor(by))
