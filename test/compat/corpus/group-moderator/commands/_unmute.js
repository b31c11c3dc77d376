/*CMD
  command: /unmute
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
var all = {}
var names = ["can_send_messages", "can_send_audios", "can_send_documents", "can_send_photos", "can_send_videos", "can_send_video_notes", "can_send_voice_notes", "can_send_polls", "can_send_other_messages", "can_add_web_page_previews", "can_change_info", "can_invite_users", "can_pin_messages", "can_manage_topics"]
names.forEach(function(n){ all[n] = true })
Api.restrictChatMember({ chat_id: chat.chatid, user_id: target, permissions: all, on_result: "/onUnmuted", bb_options: { id: target } })
