/*CMD
  command: /menu
  help: 
  need_reply: false
  auto_retry_time: 
  folder: Shop
  answer: 
  keyboard: 
  aliases: ☕ menu
  group: 
CMD*/

var menu = new List({ name: "menu" })
if (!menu.exist || menu.count == 0) {
  Bot.sendMessage("The menu is empty for now.")
  return
}
var buttons = []
var items = menu.get()
for (var i = 0; i < items.length; i++) {
  var itemName = items[i].name.replace("item:", "")
  buttons.push([{ title: itemName + " " + money(items[i].value), command: "/buy " + itemName }])
}
Bot.sendInlineKeyboard(buttons, "Our menu:")
