/*CMD
  command: /address
  help: 
  need_reply: true
  auto_retry_time: 
  folder: Shop
  answer: Where should we deliver?
  keyboard: 
  aliases: 
  group: 
CMD*/

var cart = cartOf()
if (cart.items.length == 0) { Bot.sendMessage("Your cart is empty."); return }
var orderId = Bot.getProperty("last_order", 0) + 1
Bot.setProperty("last_order", orderId, "integer")
var names = cart.items.map(function (it) { return it.name }).join(", ")
User.setProperty({ name: "order" + orderId, value: { id: orderId, items: names, address: message }, type: "json", list: "orders" })
User.setProperty("cart", { items: [] }, "json")
Bot.sendMessage("Order #" + orderId + " placed. We deliver to: " + message)
var admin = Bot.getProperty("admin_id")
if (admin) {
  Bot.sendMessageToChatWithId(admin, "New order #" + orderId + " from " + user.first_name + ": " + names + " to " + message)
}
Bot.run({ command: "/orderReady", run_after: 600, options: { id: orderId } })
