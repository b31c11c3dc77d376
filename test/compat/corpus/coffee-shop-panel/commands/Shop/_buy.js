/*CMD
  command: /buy
  help: 
  need_reply: false
  auto_retry_time: 
  folder: Shop
  answer: 
  keyboard: 
  aliases: 
  group: 
CMD*/

var price = Bot.getProperty("item:" + params)
if (price === undefined) {
  Bot.sendMessage("No such item: " + params)
  return
}
var cart = cartOf()
cart.items.push({ name: params, price: price })
User.setProperty("cart", cart, "json")
Api.answerCallbackQuery({ callback_query_id: request.id, text: "Added" })
Bot.sendMessage("Added " + params + " to your cart")
