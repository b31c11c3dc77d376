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

Bot.sendKeyboard("📝 Tasks, 💰 Wallet\n🌐 Language, ❓ Help", "Hi " + user.first_name + "! 🎓 Solve tasks, earn coins.")
