/*CMD
  command: /orders
  help: 
  need_reply: false
  auto_retry_time: 
  folder: Admin
  answer: 
  keyboard: 
  aliases: 
  group: 
CMD*/

if (!isAdmin) { Bot.sendMessage("Admins only."); return }
var all = new List({ name: "orders" }).get()
if (all.length == 0) { Bot.sendMessage("No orders."); return }
Bot.sendMessage(all.map(function (p) { return "#" + p.value.id + " " + p.user.first_name + ": " + p.value.items }).join("\n"))
