/*CMD
  command: /admin
  help: 
  need_reply: false
  auto_retry_time: 
  folder: Admin

  answer: 
  keyboard: 
  aliases: 
  group: 
CMD*/

if(Bot.getProperty("admin_id") != user.telegramid){
  Bot.sendMessage("⛔ Access denied")
  return
}
Bot.sendKeyboard("/stats, /setbonus\n/resettop, 🔙 Back", "Admin panel")
