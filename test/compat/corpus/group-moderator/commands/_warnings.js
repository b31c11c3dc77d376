/*CMD
  command: /warnings
  help: 
  need_reply: false
  auto_retry_time: 
  folder: 

  answer: 
  keyboard: 
  aliases: ⚠️ warnings
  group: 
CMD*/

Bot.sendMessage(user.first_name + ", you have " + User.getProp("warnings", 0) + "/" + MAX_WARNS + " warnings")
