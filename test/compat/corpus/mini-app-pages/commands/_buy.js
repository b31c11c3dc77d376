/*CMD
  command: /buy
  help: 
  need_reply: false
  auto_retry_time: 
  folder: 
  answer: 
  keyboard: 
  aliases: 
  group: 
CMD*/

let id = parseInt(params)
let items = Bot.getProperty("catalog", [{ id: 1, title: "Sticker pack", price: 30 }, { id: 2, title: "Theme", price: 50 }])
let item = items.filter(function (i) { return i.id === id })[0]
if (!item) { Bot.sendMessage("Usage: /buy 1"); return }
let points = User.getProperty("points", 0)
if (points < item.price) { Bot.sendMessage("You need " + item.price + " points for " + item.title + ", you have " + points); return }
User.setProperty("points", points - item.price, "integer")
Bot.sendMessage("Bought " + item.title + "!")
