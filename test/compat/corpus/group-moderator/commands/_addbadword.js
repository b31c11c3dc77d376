/*CMD
  command: /addbadword
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
if(!params){ return Bot.sendMessage("Usage: /addbadword WORD") }
var words = Bot.getProperty("badwords", [])
words.push(params.toLowerCase())
Bot.setProperty("badwords", words, "json")
Bot.sendMessage("🚫 Added to the filter: " + params + " (" + words.length + " words)")
