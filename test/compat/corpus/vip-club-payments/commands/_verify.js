/*CMD
  command: /verify
  help: 
  need_reply: true
  auto_retry_time: 
  folder: 
  answer: Send me your VIP key
  keyboard: 
  aliases: 
  group: 
CMD*/

var secret = Bot.getProperty("key_salt", "club-salt")
var key = CryptoJS.HmacSHA256(String(user.id), secret).toString(CryptoJS.enc.Hex).slice(0, 12)
if(message && message.trim() == key){
  Bot.sendMessage("✅ Key valid")
}else{
  Bot.sendMessage("❌ Key not valid")
}
