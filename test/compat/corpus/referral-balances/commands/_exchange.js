/*CMD
  command: /exchange
  help: 
  need_reply: false
  auto_retry_time: 
  folder: 

  answer: 
  keyboard: 
  aliases: 
  group: 
CMD*/

// 1 coin = 10 points
try{
  ResLib.userRes("coins").exchangeTo(ResLib.userRes("points"), {remove_amount: 1, add_amount: 10})
  Bot.sendMessage("🔄 Exchanged 1 coin for 10 points")
}catch(e){
  Bot.sendMessage("You need at least 1 coin")
}
