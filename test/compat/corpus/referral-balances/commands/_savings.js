/*CMD
  command: /savings
  help: 
  need_reply: false
  auto_retry_time: 
  folder: 

  answer: 
  keyboard: 
  aliases: 
  group: 
CMD*/

var savings = ResLib.userRes("savings")
if(!savings.growth.isEnabled()){
  savings.growth.addPercent({percent: 1, interval: 86400})
}
Bot.sendMessage("🏦 Savings: " + savings.value().toFixed(2) + " coins (" + savings.growth.title() + ")", {parse_mode: null})
