/*CMD
  command: /onNeedJoin
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
Bot.sendMessage("📢 Please join " + options.chat_id + " to use VIP Club")
