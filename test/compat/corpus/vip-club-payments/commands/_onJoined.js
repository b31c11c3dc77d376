/*CMD
  command: /onJoined
  help: 
  need_reply: false
  auto_retry_time: 
  folder: 
  answer: 
  keyboard: 
  aliases: 
  group: 
CMD*/

Bot.sendMessage("🎉 Thanks for joining our channels!")
