/*CMD
  command: /ban
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
if(!target){ return Bot.sendMessage("Usage: /ban TELEGRAM_ID") }
Api.banChatMember({ chat_id: chat.chatid, user_id: target, on_result: "/onBanned", on_error: "/onBanError", bb_options: { id: target, name: String(target), reason: "by " + user.first_name } })
