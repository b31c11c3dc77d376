/*CMD
  command: /coins
  help: 
  need_reply: false
  auto_retry_time: 
  folder: 

  answer: 
  keyboard: 
  aliases: 
  group: 
CMD*/

Bot.sendMessage("🪙 You have " + ResLib.userRes("coins").value() + " coins")
