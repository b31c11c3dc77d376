/*CMD
  command: /orders
  help: Admin: the orders
  need_reply: false
  auto_retry_time: 
  folder: Admin
  answer: 
  keyboard: 
  aliases: 📋 orders
  group: admin
CMD*/

var orders = Bot.getProp("orders", []);
if (orders.length === 0) { Bot.sendMessage("No orders yet."); return; }
Bot.sendMessage(orders.map(function (o) { return "#" + o.id + " " + o.name + ": " + o.items.join(", ") + " (" + o.total + " $)"; }).join("\n"), { parse_mode: null });
