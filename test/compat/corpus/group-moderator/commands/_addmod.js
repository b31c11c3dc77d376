/*CMD
  command: /addmod
  help: 
  need_reply: false
  auto_retry_time: 
  folder: 

  answer: 
  keyboard: 
  aliases: 
  group: 
CMD*/

if(Bot.getProperty("owner_id") != user.telegramid){ return Bot.sendMessage("⛔ Only the owner can do that") }
var id = parseInt(params)
if(!id){ return Bot.sendMessage("Usage: /addmod TELEGRAM_ID") }
var mods = Bot.getProperty("mods", [])
mods.push(id)
Bot.setProperty("mods", mods, "json")
Bot.sendMessage("🛡 " + id + " is a moderator now")
