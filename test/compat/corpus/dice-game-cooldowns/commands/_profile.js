/*CMD
  command: /profile
  help: 
  need_reply: false
  auto_retry_time: 
  folder: 

  answer: 
  keyboard: 
  aliases: 👤 profile
  group: 
CMD*/

var joined = User.getProperty("joined_at")
var text = "👤 " + user.first_name + "\n"
text += "🪙 Coins: " + ResLib.userRes("coins").value() + "\n"
text += "⭐ Score: " + (User.getProperty(TopBoardLib.getUserPropName()) || 0) + "\n"
text += "📅 Playing since " + Libs.DateTimeFormat.format(joined, "UTC:dd.mm.yyyy")
Bot.sendMessage(text)
