/*CMD
  command: /stats
  help: 
  need_reply: false
  auto_retry_time: 
  folder: Admin
  answer: 
  keyboard: 
  aliases: 
  group: 
CMD*/

if (!isAdmin) { Bot.sendMessage("Admins only."); return }
Bot.sendMessage("Menu items: " + new List({ name: "menu" }).count + ", orders: " + new List({ name: "orders" }).count)
