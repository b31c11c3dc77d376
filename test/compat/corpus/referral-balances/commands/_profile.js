/*CMD
  command: /profile
  help: 
  need_reply: false
  auto_retry_time: 
  folder: 

  answer: 
  keyboard: 
  aliases: 
  group: 
CMD*/

var text = "👤 " + Libs.commonLib.getLinkFor(user) + "\n"
text += "💰 " + ResLib.userRes("coins").value() + " coins, " + ResLib.userRes("points").value() + " points\n"
text += "👥 " + RefLib.getRefCount() + " friends"
Bot.sendMessage(text)
