/*CMD
  command: /rules
  help: 
  need_reply: false
  auto_retry_time: 
  folder: 

  answer: 
  keyboard: 
  aliases: 📜 rules
  group: 
CMD*/

var rules = Bot.getProperty("rules")
if(!rules){ return Bot.sendMessage("No rules yet. The owner can set them with /setrules") }
Bot.sendMessage("📜 Rules:\n" + rules)
