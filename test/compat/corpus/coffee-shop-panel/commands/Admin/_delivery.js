/*CMD
  command: /delivery
  help: 
  need_reply: false
  auto_retry_time: 
  folder: Admin
  answer: 
  keyboard: 
  aliases: 
  group: 
CMD*/

if (!isAdmin) return
var price = parseInt(params)
if (isNaN(price)) { Bot.sendMessage("Usage: /delivery 3"); return }
AdminPanel.setFieldValue({ panel_name: "ShopSettings", field_name: "delivery", value: price })
Bot.sendMessage("Delivery is now " + money(price))
