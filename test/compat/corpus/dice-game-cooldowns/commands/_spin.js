/*CMD
  command: /spin
  help: 
  need_reply: false
  auto_retry_time: 
  folder: 

  answer: 
  keyboard: 
  aliases: 
  group: 
CMD*/

Libs.CooldownLib.chat.watch({
  name: "spin",
  time: 60,
  onStarting: function(){
    var prize = Libs.Random.randomInt(1, 3)
    ResLib.userRes("coins").add(prize)
    Bot.sendMessage("🎰 Spin: +" + prize + " coins")
  },
  onWaiting: function(left){ Bot.sendMessage("🎰 Next spin in " + Math.ceil(left) + " s") },
  onEnding: function(){ Bot.sendMessage("🎰 Spin ready again, press /spin"); return true }
})
