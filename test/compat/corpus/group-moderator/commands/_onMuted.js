/*CMD
  command: /onMuted
  help: 
  need_reply: false
  auto_retry_time: 
  folder: 

  answer: 
  keyboard: 
  aliases: 
  group: 
CMD*/

Bot.sendMessage("🔇 " + options.bb_options.id + " is muted for 1 hour")
