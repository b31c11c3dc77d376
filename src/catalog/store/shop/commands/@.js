/*CMD
  command: @
  help: 
  need_reply: false
  auto_retry_time: 
  folder: 
  answer: 
  keyboard: 
  aliases: 
  group: 
CMD*/

var products = Bot.getProp("products", []);
var cart = User.getProp("cart", []);
function total(items) { return items.reduce(function (sum, i) { return sum + products[i].price; }, 0); }
