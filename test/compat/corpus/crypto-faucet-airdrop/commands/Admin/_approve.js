/*CMD
  command: /approve
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
if(!w || w.status != "pending"){ return Bot.sendMessage("Nothing to approve") }
w.status = "paid"
Bot.setProperty("wd_" + params, w, "json")
Bot.setProperty("total_paid", Bot.getProperty("total_paid", 0) + w.amount, "float")
Bot.sendMessageToChatWithId(w.tgid, "✅ Your withdrawal #" + params + " of " + w.amount + " " + COIN + " was paid!")
Bot.sendMessage("Approved #" + params)
