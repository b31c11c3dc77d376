/*CMD
  command: /start
  help: Start the bot
  need_reply: false
  auto_retry_time: 
  folder: 
  answer: 
  keyboard: 
  aliases: 
  group: 
CMD*/

Bot.sendKeyboard("ℹ️ About, ❓ Help\n📞 Contact", "Welcome, " + user.first_name + "! I am a demo bot. Press a button or send /help.");
