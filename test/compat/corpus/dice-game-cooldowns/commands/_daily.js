/*CMD
  command: /daily
  help: 
  need_reply: false
  auto_retry_time: 
  folder: 

  answer: 
  keyboard: 
  aliases: 🎁 daily
  group: 
CMD*/

Libs.CooldownLib.user.watch({
  name: "daily",
  time: 86400,
  onStarting: function(){
    ResLib.userRes("coins").add(10)
    Bot.sendMessage("🎁 Daily bonus: +10 coins!")
  },
  onWaiting: function(left){
    Bot.sendMessage("⏳ Come back in " + Math.floor(left / 3600) + " h " + Math.floor(left % 3600 / 60) + " min")
  },
  onEnding: function(){
    ResLib.userRes("coins").add(10)
    Bot.sendMessage("🎁 Daily bonus: +10 coins!")
    return true
  }
})
