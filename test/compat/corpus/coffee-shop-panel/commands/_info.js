/*CMD
  command: /info
  help: 
  need_reply: false
  auto_retry_time: 
  folder: 
  answer: 
  keyboard: 
  aliases: ℹ️ info
  group: 
CMD*/

var s = AdminPanel.getPanelValues("ShopSettings")
var field = AdminPanel.getPanelField({ panel_name: "ShopSettings", field_name: "delivery" })
Bot.sendMessage(shopName + ": " + (field ? field.title.toLowerCase() : "delivery") + " " + money(s.delivery || 0) + ", open: " + (s.open === false ? "no" : "yes"))
