/*CMD
  command: /start
  help: 
  need_reply: false
  auto_retry_time: 
  folder: 

  answer: 
  keyboard: 
  aliases: 
  group: 
CMD*/

if(isGroup){
  return Bot.sendMessage("🛡 Moderator is active in " + chat.title)
}
Bot.sendKeyboard("📜 Rules, ❓ Help\n📊 Stats, 🕒 Time", "Hi " + user.first_name + "! I keep your group clean: welcomes, warnings and bans.\nAdd me to a group as an admin.")
