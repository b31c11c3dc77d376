/*CMD
  command: /badwords
  help: 
  need_reply: false
  auto_retry_time: 
  folder: 

  answer: 
  keyboard: 
  aliases: 
  group: 
CMD*/

var words = Bot.getProperty("badwords", [])
Bot.sendMessage(words.length ? "🚫 Filtered: " + words.join(", ") : "The filter is empty")
