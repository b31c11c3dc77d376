/*CMD
  command: /points
  help: 
  need_reply: false
  auto_retry_time: 
  folder: 

  answer: 
  keyboard: 
  aliases: 
  group: 
CMD*/

Bot.sendMessage("⭐ Points: " + ResLib.userRes("points").value())
