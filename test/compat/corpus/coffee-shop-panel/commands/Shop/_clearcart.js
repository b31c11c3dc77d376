/*CMD
  command: /clearcart
  help: 
  need_reply: false
  auto_retry_time: 
  folder: Shop
  answer: 
  keyboard: 
  aliases: 
  group: 
CMD*/

User.setProperty("cart", { items: [] }, "json")
Bot.sendMessage("Cart cleared.")
