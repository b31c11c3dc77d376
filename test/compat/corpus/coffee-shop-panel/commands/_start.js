/*CMD
  command: /start
  help: start
  need_reply: false
  auto_retry_time: 
  folder: 
  answer: 
  keyboard: 
  aliases: 
  group: 
CMD*/

Bot.sendKeyboard("☕ Menu, 🛒 Cart\n📦 My orders, ℹ️ Info", "Welcome to " + shopName + ", " + user.first_name + "!")
