/*CMD
  command: /onBonus
  help: 
  need_reply: false
  auto_retry_time: 
  folder: 
  answer: 
  keyboard: 
  aliases: 
  group: 
CMD*/

if(!options || !content){ return }
if(User.getProperty("bonus_taken")){ return Bot.sendMessage("Bonus already taken 😉") }
User.setProperty("bonus_taken", true, "boolean")
ResLib.userRes("coins").add(parseInt(content))
Bot.sendMessage("🎁 Bonus +" + content + " coins! Now: " + ResLib.userRes("coins").value())
