/*CMD
  command: /reject
  help: 
  need_reply: false
  auto_retry_time: 
  folder: Admin

  answer: 
  keyboard: 
  aliases: 
  group: 
CMD*/

if(ADMIN != user.telegramid){ return Bot.sendMessage("⛔ Admins only") }
var w = Bot.getProperty("wd_" + params)
if(!w || w.status != "pending"){ return Bot.sendMessage("Nothing to reject") }
w.status = "rejected"
Bot.setProperty("wd_" + params, w, "json")
ResLib.anotherUserRes("balance", w.tgid).add(w.amount)
Bot.sendMessageToChatWithId(w.tgid, "❌ Withdrawal #" + params + " was rejected, " + w.amount + " " + COIN + " returned")
Bot.sendMessage("Rejected #" + params)
