/*CMD
  command: /buy
  help: 
  need_reply: false
  auto_retry_time: 
  folder: 

  answer: 
  keyboard: 
  aliases: 
  group: 
CMD*/

var prices = {energy: 5, charm: 20}
var item = params
if(!prices[item]){ return Bot.sendMessage("No such item") }
var coins = ResLib.userRes("coins")
if(!coins.have(prices[item])){
  Bot.sendMessage("❌ You need " + prices[item] + " coins")
  return
}
coins.remove(prices[item])
if(item == "energy"){ ResLib.userRes("energy").add(3) }
else { User.setProperty("charm", true, "boolean") }
Bot.sendMessage("✅ Bought " + item + "! Coins left: " + coins.value())
