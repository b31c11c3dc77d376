/*CMD
  command: /onMuteError
  help: 
  need_reply: false
  auto_retry_time: 
  folder: 

  answer: 
  keyboard: 
  aliases: 
  group: 
CMD*/

Bot.sendMessage("⚠️ Could not mute " + options.bb_options.id)
