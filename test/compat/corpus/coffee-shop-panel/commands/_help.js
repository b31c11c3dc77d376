/*CMD
  command: /help
  help: 
  need_reply: false
  auto_retry_time: 
  folder: 
  answer: Tap ☕ Menu to order. Admin: /setup, /additem, /orders, /close, /open, /stats
  keyboard: ☕ Menu, 🛒 Cart
  aliases: 
  group: 
CMD*/

