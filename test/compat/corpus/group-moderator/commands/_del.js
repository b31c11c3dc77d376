/*CMD
  command: /del
  help: 
  need_reply: false
  auto_retry_time: 
  folder: 

  answer: 
  keyboard: 
  aliases: 
  group: 
CMD*/

if(!isGroup || !isMod()){ return }
Api.deleteMessage({ chat_id: chat.chatid, message_id: request.message_id })
