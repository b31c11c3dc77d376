/*CMD
  command: /catalog
  help: The products
  need_reply: false
  auto_retry_time: 
  folder: Shop
  answer: 
  keyboard: 
  aliases: 🛍 catalog, catalog
  group: 
CMD*/

if (products.length === 0) { Bot.sendMessage("The catalog is empty for now."); return; }
var buttons = products.map(function (p, i) { return [{ title: p.name + " - " + p.price + " $", command: "/add " + i }]; });
Bot.sendInlineKeyboard(buttons, "Our products (tap to add to the cart):");
