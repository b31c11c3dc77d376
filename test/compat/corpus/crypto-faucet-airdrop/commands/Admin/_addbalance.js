/*CMD
  command: /addbalance
  help: 
  need_reply: true
  auto_retry_time: 
  folder: Admin

  answer: Send: telegram id and amount, e.g. 12345 10
  keyboard: 
  aliases: 
  group: 
CMD*/

if(ADMIN != user.telegramid){ return Bot.sendMessage("⛔ Admins only") }
var parts = message.split(" ")
var amt = parseInt(parts[1])
if(parts.length != 2 || !amt){ return Bot.sendMessage("Wrong format") }
ResLib.anotherUserRes("balance", parts[0]).add(amt)
Bot.sendMessageToChatWithId(parts[0], "💰 You received " + amt + " " + COIN + " from the admin")
Bot.sendMessage("Added " + amt + " " + COIN + " to " + parts[0])
