/*CMD
  command: /name
  help: 
  need_reply: false
  auto_retry_time: 
  folder: 
  answer: 
  keyboard: 
  aliases: 
  group: 
CMD*/

Bot.sendMessage("Nickname: " + User.getProperty("nick", data.user.first_name));
