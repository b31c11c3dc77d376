/*CMD
  command: /warn
  help: 
  need_reply: false
  auto_retry_time: 
  folder: 

  answer: 
  keyboard: 
  aliases: 
  group: 
CMD*/

if(!isGroup){ return Bot.sendMessage("Use it in the group") }
if(!isMod()){ return Bot.sendMessage("⛔ Moderators only") }
var target = parseInt(params)
if(!target){ return Bot.sendMessage("Usage: /warn TELEGRAM_ID") }
Bot.run({ command: "/addwarning", user_telegramid: target, chat_id: chat.id, options: { reason: "moderator", by: user.first_name } })
