/*CMD
  command: /jackpot
  help: 
  need_reply: false
  auto_retry_time: 
  folder: 

  answer: 
  keyboard: 
  aliases: 
  group: 
CMD*/

Libs.CooldownLib.watch({
  name: "jackpot",
  time: 3600,
  onStarting: function(){
    ResLib.userRes("coins").add(50)
    Bot.sendMessage("💎 Jackpot! " + user.first_name + " gets 50 coins")
  },
  onWaiting: function(left){ Bot.sendMessage("💎 Jackpot already taken, next one in " + Math.ceil(left / 60) + " min") }
})
