/*CMD
  command: /removeitem
  help: 
  need_reply: false
  auto_retry_time: 
  folder: Admin
  answer: 
  keyboard: 
  aliases: 
  group: 
CMD*/

if (!isAdmin) return
if (!params) { Bot.sendMessage("Usage: /removeitem name"); return }
var menu = new List({ name: "menu" })
menu.removeProperty("item:" + params)
Bot.sendMessage("Removed " + params)
