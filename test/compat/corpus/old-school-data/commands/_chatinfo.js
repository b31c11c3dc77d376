/*CMD
  command: /chatinfo
  help: 
  need_reply: false
  auto_retry_time: 
  folder: 
  answer: 
  keyboard: 
  aliases: 
  group: 
CMD*/

Bot.sendMessageToChatWithId(data.chat.chatid, "This chat's id is a " + typeof data.chat.chatid);
