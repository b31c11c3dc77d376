/*CMD
  command: /energy
  help: 
  need_reply: false
  auto_retry_time: 
  folder: 

  answer: 
  keyboard: 
  aliases: ⚡ energy
  group: 
CMD*/

var energy = ResLib.userRes("energy")
var msg = "⚡ Energy: " + Math.floor(energy.value()) + "/5"
if(energy.value() < 5){ msg += "\nNext +1 in " + Math.ceil(energy.growth.willCompletedAfter() / 60) + " min" }
Bot.sendMessage(msg)
