/*CMD
  command: /cart
  help: Your cart
  need_reply: false
  auto_retry_time: 
  folder: Shop
  answer: 
  keyboard: 
  aliases: 🧺 cart, cart
  group: 
CMD*/

if (cart.length === 0) { Bot.sendMessage("Your cart is empty."); return; }
var lines = cart.map(function (i) { return "- " + products[i].name + " " + products[i].price + " $"; });
Bot.sendInlineKeyboard([{ title: "Order", command: "/checkout" }], "Your cart:\n" + lines.join("\n") + "\nTotal: " + total(cart) + " $");
