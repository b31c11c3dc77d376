/*CMD
  command: /me
  help: 
  need_reply: false
  auto_retry_time: 
  folder: 
  answer: 
  keyboard: 
  aliases: 
  group: 
CMD*/

Bot.sendMessage("You are " + data.user.first_name + ", chat type " + data.chat.chat_type + ", command " + data.command.name);
