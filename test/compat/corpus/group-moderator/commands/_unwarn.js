/*CMD
  command: /unwarn
  help: 
  need_reply: false
  auto_retry_time: 
  folder: 

  answer: 
  keyboard: 
  aliases: 
  group: 
CMD*/

if(!isMod()){ return Bot.sendMessage("⛔ Moderators only") }
Bot.run({ command: "/resetwarnings", user_telegramid: parseInt(params), chat_id: chat.id })
