/*CMD
  command: /checkout
  help: Place the order
  need_reply: false
  auto_retry_time: 
  folder: Shop
  answer: 
  keyboard: 
  aliases: 
  group: 
CMD*/

if (cart.length === 0) { Bot.sendMessage("Your cart is empty."); return; }
var orders = Bot.getProp("orders", []);
var order = { id: orders.length + 1, user: user.telegramid, name: user.first_name, items: cart.map(function (i) { return products[i].name; }), total: total(cart) };
orders.push(order);
Bot.setProp("orders", orders, "json");
User.setProp("cart", [], "json");
Bot.sendMessage("Thank you! Order #" + order.id + " is placed: " + order.total + " $");
var adminId = Bot.getProp("admin_id", null);
if (adminId !== null) Bot.sendMessageToChatWithId(adminId, "🛒 New order #" + order.id + " from " + order.name + ": " + order.items.join(", ") + " (" + order.total + " $)", { parse_mode: null });
