/*CMD
  command: /shop
  help: 
  need_reply: false
  auto_retry_time: 
  folder: Pages
  answer: 
  keyboard: 
  aliases: 
  group: 
CMD*/

Bot.sendMessage("Catalog: " + link("/catalogPage", { currency: "EUR" }), plain)
