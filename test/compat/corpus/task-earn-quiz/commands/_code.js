/*CMD
  command: /code
  help: 
  need_reply: false
  auto_retry_time: 
  folder: 
  answer: 
  keyboard: 
  aliases: 
  group: 
CMD*/

var code = CryptoJS.MD5("quiz-" + user.telegramid).toString().slice(0, 8).toUpperCase()
User.setProperty("my_code", code, "string")
Bot.sendMessage("🎟 Your invite code: " + code)
