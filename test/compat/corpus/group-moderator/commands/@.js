/*CMD
  command: @
  help: 
  need_reply: false
  auto_retry_time: 
  folder: 

  answer: 
  keyboard: 
  aliases: 
  group: 
CMD*/

var isGroup = chat && (chat.chat_type == "group" || chat.chat_type == "supergroup")
var MAX_WARNS = 3
function now(){
  return Libs.DateTimeFormat.format(new Date(), "UTC:dd.mm.yyyy HH:MM")
}
function isMod(){
  if(!user){ return false }
  if(Bot.getProperty("owner_id") == user.telegramid){ return true }
  var mods = Bot.getProperty("mods", [])
  return mods.indexOf(user.telegramid) > -1
}
function bump(name){
  Bot.setProperty(name, Bot.getProperty(name, 0) + 1, "integer")
}
