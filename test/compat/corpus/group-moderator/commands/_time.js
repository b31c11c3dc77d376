/*CMD
  command: /time
  help: 
  need_reply: false
  auto_retry_time: 
  folder: 

  answer: 
  keyboard: 
  aliases: 🕒 time
  group: 
CMD*/

Bot.sendMessage("🕒 " + now() + " UTC")
