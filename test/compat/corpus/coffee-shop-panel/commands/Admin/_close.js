/*CMD
  command: /close
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
AdminPanel.setFieldValue({ panel_name: "ShopSettings", field_name: "open", value: false })
Bot.sendMessage("Shop closed.")
