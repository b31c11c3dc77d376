/*CMD
  command: /additem
  help: 
  need_reply: true
  auto_retry_time: 
  folder: Admin
  answer: Send the new item as: name - price
  keyboard: 
  aliases: 
  group: 
CMD*/

if (!isAdmin) { Bot.sendMessage("Only the admin can add items."); return }
var parts = message.split("-")
if (parts.length != 2 || isNaN(parseFloat(parts[1]))) {
  Bot.sendMessage("Format: name - price")
  Bot.runCommand("/additem")
  return
}
var itemName = parts[0].trim()
var price = parseFloat(parts[1])
Bot.setProperty({ name: "item:" + itemName, value: price, type: "float", list: "menu" })
Bot.sendMessage("Added " + itemName + " for " + money(price))
