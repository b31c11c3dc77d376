/*CMD
  command: /bonus
  help: 
  need_reply: false
  auto_retry_time: 
  folder: 

  answer: 
  keyboard: 
  aliases: 🎁 bonus, daily
  group: 
CMD*/

if(!User.getProperty("verified")){ return Bot.sendMessage("Pass the captcha first: /start") }
var amount = setting("bonus", 1)
Libs.CooldownLib.user.watch({
  name: "bonus",
  time: 86400,
  onStarting: function(){
    ResLib.userRes("balance").add(amount)
    Bot.sendMessage("🎁 You got +" + amount + " " + COIN + "!")
  },
  onWaiting: function(left){
    Bot.sendMessage("⏳ Next bonus in " + Math.floor(left / 3600) + " h " + Math.floor(left % 3600 / 60) + " min")
  },
  onEnding: function(){
    ResLib.userRes("balance").add(amount)
    Bot.sendMessage("🎁 You got +" + amount + " " + COIN + "!")
    return true
  }
})
