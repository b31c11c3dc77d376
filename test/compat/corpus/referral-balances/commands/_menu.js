/*CMD
  command: /menu
  help: 
  need_reply: false
  auto_retry_time: 
  folder: 

  answer: 
  keyboard: 
  aliases: 🔙 back, menu
  group: 
CMD*/

Bot.sendKeyboard("💰 Balance, 👥 Invite\n🏆 Top, 🎁 Bonus\nℹ️ Help", "Main menu")
