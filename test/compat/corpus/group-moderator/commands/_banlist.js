/*CMD
  command: /banlist
  help: 
  need_reply: false
  auto_retry_time: 
  folder: 

  answer: 
  keyboard: 
  aliases: 
  group: 
CMD*/

if(!isMod()){ return Bot.sendMessage("⛔ Moderators only") }
var list = new List({ name: "banned" })
var items = list.exist ? list.get() : []
if(items.length == 0){ return Bot.sendMessage("Nobody is banned") }
var txt = "🚫 Banned users:\n"
items.forEach(function(p){ txt += "• " + p.value.name + " (" + p.value.reason + ", " + p.value.at + ")\n" })
Bot.sendMessage(txt)
