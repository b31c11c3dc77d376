/*CMD
  command: /feedbacks
  help: 
  need_reply: false
  auto_retry_time: 
  folder: Admin

  answer: 
  keyboard: 
  aliases: 
  group: 
CMD*/

if(Bot.getProperty("admin") != user.id){ return Bot.sendMessage("⛔") }
var all = Bot.getProperty("feedbacks", [])
Bot.sendMessage(all.length ? all.map(function(f){ return f.from + " (" + f.lang + "): " + f.text }).join("\n") : "No feedback yet")
