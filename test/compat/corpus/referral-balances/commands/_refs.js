/*CMD
  command: /refs
  help: 
  need_reply: false
  auto_retry_time: 
  folder: 

  answer: 
  keyboard: 
  aliases: my referrals
  group: 
CMD*/

var count = RefLib.getRefCount()
if(count == 0){ Bot.sendMessage("No friends yet. Use /invite"); return }
var names = RefLib.getRefList().get().map(function(u){ return u.first_name })
Bot.sendMessage("👥 " + count + " friend(s): " + names.join(", "))
