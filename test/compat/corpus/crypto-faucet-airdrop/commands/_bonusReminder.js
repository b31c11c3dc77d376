/*CMD
  command: /bonusReminder
  help: 
  need_reply: false
  auto_retry_time: 
  folder: 

  answer: 
  keyboard: 
  aliases: 
  group: 
CMD*/

Bot.sendKeyboard("🎁 Bonus, 🔙 Back", "⏰ Your daily bonus is ready! Press 🎁 Bonus")
