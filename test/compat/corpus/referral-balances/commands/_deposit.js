/*CMD
  command: /deposit
  help: 
  need_reply: true
  auto_retry_time: 
  folder: 

  answer: How many coins to put in savings?
  keyboard: 
  aliases: 
  group: 
CMD*/

var amount = parseFloat(message)
try{
  ResLib.userRes("coins").transferTo(ResLib.userRes("savings"), amount)
  Bot.runCommand("/savings")
}catch(e){
  Bot.sendMessage("❌ " + e.message)
}
