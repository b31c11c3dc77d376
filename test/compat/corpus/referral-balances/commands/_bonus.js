/*CMD
  command: /bonus
  help: 
  need_reply: false
  auto_retry_time: 
  folder: 

  answer: 
  keyboard: 
  aliases: 🎁 bonus
  group: 
CMD*/

if(User.getProperty("bonus_taken")){
  Bot.sendMessage("You already took your welcome bonus")
  return
}
User.setProperty("bonus_taken", true, "boolean")
ResLib.userRes("coins").add(3)
Bot.sendMessage("🎁 +3 coins! Balance: " + ResLib.userRes("coins").value())
