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

if(!User.getProperty("joined_at")){
  User.setProperty("joined_at", Date.now(), "integer")
  User.setProperty("payments", [], "json")
}
Bot.sendKeyboard("💎 Join VIP, 💰 Balance\n📜 Rules, ❓ Help\n🔐 My key", "👋 Welcome to VIP Club, " + user.first_name + "!\nUse the menu below.")
