/*CMD
  command: /admin
  help: 
  need_reply: false
  auto_retry_time: 
  folder: Admin

  answer: 
  keyboard: 
  aliases: 
  group: 
CMD*/

if(ADMIN != user.telegramid){ return Bot.sendMessage("⛔ Admins only") }
Bot.sendInlineKeyboard([[{ title: "➕ Add balance", command: "/addbalance" }, { title: "📢 Channel", command: "/setchannel" }], [{ title: "📊 Stats", command: "/stats" }]], "🛠 Admin panel")
