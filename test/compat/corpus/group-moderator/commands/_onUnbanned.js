/*CMD
  command: /onUnbanned
  help: 
  need_reply: false
  auto_retry_time: 
  folder: 

  answer: 
  keyboard: 
  aliases: 
  group: 
CMD*/

var id = options.bb_options.id
var rec = Bot.getProperty("ban_" + id)
new List({ name: "banned" }).removeProperty("ban_" + id)
Bot.sendMessage("✅ " + (rec ? rec.name : id) + " was unbanned and may join again")
