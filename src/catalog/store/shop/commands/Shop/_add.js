/*CMD
  command: /add
  help: Add a product to the cart
  need_reply: false
  auto_retry_time: 
  folder: Shop
  answer: 
  keyboard: 
  aliases: 
  group: 
CMD*/

var index = Number(params);
if (!products[index]) { Bot.sendMessage("That product is gone."); return; }
cart.push(index);
User.setProp("cart", cart, "json");
Bot.sendMessage("Added " + products[index].name + ". Cart total: " + total(cart) + " $", { parse_mode: null });
