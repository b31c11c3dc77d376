/*CMD
  command: /start
  help: Open the shop
  need_reply: false
  auto_retry_time: 
  folder: 
  answer: Welcome to the demo shop! Browse the catalog and order in two taps.
  keyboard: 🛍 Catalog, 🧺 Cart
  aliases: 
  group: 
CMD*/

