/*CMD
  command: /mute
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
Api.restrictChatMember({
  chat_id: chat.chatid,
  user_id: target,
  permissions: { can_send_messages: false },
  until_date: Math.floor(Date.now() / 1000) + 3600,
  on_result: "/onMuted",
  on_error: "/onMuteError",
  bb_options: { id: target }
})
