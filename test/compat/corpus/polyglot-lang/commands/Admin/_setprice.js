/*CMD
  command: /setprice
  help: 
  need_reply: true
  auto_retry_time: 
  folder: Admin

  answer: New price in coins?
  keyboard: 
  aliases: 
  group: 
CMD*/

if(Bot.getProperty("admin") != user.id){ return Bot.sendMessage("⛔") }
var p = parseInt(message)
if(!p){ return Bot.sendMessage("Number please") }
Bot.setProperty("price", p, "integer")
Bot.sendMessage("OK, price = " + p)
