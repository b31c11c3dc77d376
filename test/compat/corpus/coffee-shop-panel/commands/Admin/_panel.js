/*CMD
  command: /panel
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
var p = AdminPanel.getPanel("ShopSettings")
Bot.sendMessage(p ? p.title + " (" + p.fields.length + " fields)" : "No panel yet, send /setup")
