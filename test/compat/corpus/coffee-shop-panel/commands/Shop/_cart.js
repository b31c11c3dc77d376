/*CMD
  command: /cart
  help: 
  need_reply: false
  auto_retry_time: 
  folder: Shop
  answer: 
  keyboard: 
  aliases: 🛒 cart
  group: 
CMD*/

var cart = cartOf()
if (cart.items.length == 0) { Bot.sendMessage("Your cart is empty."); return }
var total = 0
var names = []
cart.items.forEach(function (it) { total += it.price; names.push(it.name) })
var delivery = AdminPanel.getPanelValues("ShopSettings").delivery || 0
Bot.sendInlineKeyboard(
  [[{ title: "✅ Checkout", command: "/checkout" }, { title: "🗑 Clear", command: "/clearcart" }]],
  "Your cart: " + names.join(", ") + ". Total: " + money(total) + " + delivery " + money(delivery)
)
