/*CMD
  command: @
  help: 
  need_reply: false
  auto_retry_time: 
  folder: 
  answer: 
  keyboard: 
  aliases: 
  group: 
CMD*/

// settings from the admin panel (owner edits them in the app)
var shopName = AdminPanel.getFieldValue({ panel_name: "ShopSettings", field_name: "shop_name" }) || "Coffee Corner";
var currency = AdminPanel.getFieldValue({ panel_name: "ShopSettings", field_name: "currency" }) || "$";
var isAdmin = user ? Bot.getProperty("admin_id") == user.telegramid : false;

function money(x) { return (Math.round(x * 100) / 100) + currency }
function cartOf() { return User.getProperty("cart", { items: [] }) }
