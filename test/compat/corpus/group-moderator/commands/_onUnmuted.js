/*CMD
  command: /onUnmuted
  help: 
  need_reply: false
  auto_retry_time: 
  folder: 

  answer: 
  keyboard: 
  aliases: 
  group: 
CMD*/

Bot.sendMessage("🔊 " + options.bb_options.id + " may talk again")
