/*CMD
  command: /myorders
  help: 
  need_reply: false
  auto_retry_time: 
  folder: Shop
  answer: 
  keyboard: 
  aliases: 📦 my orders
  group: 
CMD*/

var orders = new List({ name: "orders" })
var mine = orders.get().filter(function (p) { return p.user && p.user.id == user.id })
if (mine.length == 0) { Bot.sendMessage("No orders yet."); return }
Bot.sendMessage(mine.map(function (p) { return "#" + p.value.id + " " + p.value.items }).join("\n"))
