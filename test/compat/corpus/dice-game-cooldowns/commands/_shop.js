/*CMD
  command: /shop
  help: 
  need_reply: false
  auto_retry_time: 
  folder: 

  answer: 
  keyboard: 
  aliases: 
  group: 
CMD*/

Bot.sendInlineKeyboard([
  [{title: "⚡ +3 energy (5 coins)", command: "/buy energy"}],
  [{title: "🍀 Lucky charm (20 coins)", command: "/buy charm"}]
], "🛒 Shop. You have " + ResLib.userRes("coins").value() + " coins")
