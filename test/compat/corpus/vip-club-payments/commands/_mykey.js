/*CMD
  command: /mykey
  help: 
  need_reply: false
  auto_retry_time: 
  folder: 
  answer: 
  keyboard: 
  aliases: 🔐 My key
  group: 
CMD*/

if(!User.getProperty("vip")){ return Bot.sendMessage("🔐 Keys are for VIP members. Tap 💎 Join VIP") }
var secret = Bot.getProperty("key_salt", "club-salt")
var key = CryptoJS.HmacSHA256(String(user.id), secret).toString(CryptoJS.enc.Hex).slice(0, 12)
Bot.sendMessage("🔐 Your VIP key: " + key)
