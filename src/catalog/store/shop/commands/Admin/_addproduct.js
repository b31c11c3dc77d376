/*CMD
  command: /addproduct
  help: Admin: add a product
  need_reply: true
  auto_retry_time: 
  folder: Admin
  answer: Send the product as: name; price
  keyboard: 
  aliases: ➕ add product
  group: admin
CMD*/

var match = /^(.+);\s*(\d+(?:\.\d+)?)$/.exec((message || "").trim());
if (!match) { Bot.sendMessage("Please send: name; price"); Bot.runCommand("/addproduct"); return; }
products.push({ name: match[1].trim(), price: Number(match[2]) });
Bot.setProp("products", products, "json");
Bot.sendMessage("Added " + match[1].trim() + ". The catalog has " + products.length + " products.", { parse_mode: null });
