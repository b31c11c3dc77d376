/*CMD
  command: /time
  help: 
  need_reply: false
  auto_retry_time: 
  folder: 

  answer: 
  keyboard: 
  aliases: 
  group: 
CMD*/

Bot.sendMessage("🕒 Server time: " + Libs.DateTimeFormat.format(new Date(), "UTC:HH:MM 'UTC', dddd"))
