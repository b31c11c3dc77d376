/*CMD
  command: /autoban
  help: 
  need_reply: false
  auto_retry_time: 
  folder: 

  answer: 
  keyboard: 
  aliases: 
  group: 
CMD*/

Api.banChatMember({
  chat_id: chat.chatid,
  user_id: user.telegramid,
  on_result: "/onBanned",
  on_error: "/onBanError",
  bb_options: { id: user.telegramid, name: user.first_name, reason: MAX_WARNS + " warnings" }
})
