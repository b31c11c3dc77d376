/*CMD
  command: /transfer
  help: 
  need_reply: true
  auto_retry_time: 
  folder: 

  answer: Send the telegram id and the amount, like: 12345 10
  keyboard: 
  aliases: 
  group: 
CMD*/

var parts = message.split(" ")
var to = parseInt(parts[0]); var amount = parseFloat(parts[1])
if(!to || !amount){ return Bot.sendMessage("Format: telegram id, space, amount") }
try {
  ResLib.userRes("coins").transferTo(ResLib.anotherUserRes("coins", to), amount)
  Bot.sendMessage("💸 Sent " + amount + " coins")
  Bot.sendMessageToChatWithId(to, "💸 You got " + amount + " coins from " + user.first_name)
} catch(e) {
  Bot.sendMessage("❌ " + e.message)
}
