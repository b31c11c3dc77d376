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

Bot.sendKeyboard("🎲 Roll, 🎁 Daily\n⚡ Energy, 🏆 Leaders\n🪙 Flip, 👤 Profile", "Menu")
