/*CMD
  command: /checkout
  help: 
  need_reply: false
  auto_retry_time: 
  folder: Shop
  answer: 
  keyboard: 
  aliases: 
  group: 
CMD*/

var settings = AdminPanel.getPanelValues("ShopSettings")
if (settings.open === false) {
  Bot.sendMessage("Sorry, " + shopName + " is closed now.")
  return
}
if (cartOf().items.length == 0) { Bot.sendMessage("Your cart is empty."); return }
Bot.runCommand("/address")
