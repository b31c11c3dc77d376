/*CMD
  command: /onBanError
  help: 
  need_reply: false
  auto_retry_time: 
  folder: 

  answer: 
  keyboard: 
  aliases: 
  group: 
CMD*/

Bot.sendMessage("⚠️ Could not ban " + options.bb_options.name + ". Am I an admin here?")
