/*CMD
  command: /unban
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
var target = parseInt(params)
Api.unbanChatMember({ chat_id: chat.chatid, user_id: target, only_if_banned: true, on_result: "/onUnbanned", bb_options: { id: target } })
