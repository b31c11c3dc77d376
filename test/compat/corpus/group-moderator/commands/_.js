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

if(request && request.new_chat_members){
  for(var i = 0; i < request.new_chat_members.length; i++){
    var m = request.new_chat_members[i]
    if(m.is_bot){ continue }
    bump("week_joins")
    Bot.sendMessage("👋 Welcome to " + chat.title + ", " + m.first_name + "! Please read /rules")
  }
  return
}
if(!isGroup){
  return Bot.sendMessage("I only work in groups. Add me to your group and make me an admin. /help")
}
if(!message){ return }
var words = Bot.getProperty("badwords", [])
var low = message.toLowerCase()
var bad = words.filter(function(w){ return low.indexOf(w) > -1 })
if(bad.length == 0 || isMod()){ return }
Api.deleteMessage({ chat_id: chat.chatid, message_id: request.message_id })
Bot.runCommand("/addwarning", { reason: "bad word", by: "the bot" })
