/*CMD
  command: /onCheckError
  help: 
  need_reply: false
  auto_retry_time: 
  folder: 
  answer: 
  keyboard: 
  aliases: 
  group: 
CMD*/

if(!options){ return }
Bot.sendMessage("⚠️ I can't check " + options.chat_id + " right now. Is the bot admin there?")
