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

if(Bot.getProperty("admin") != user.id){ return Bot.sendMessage("⛔ Admins only") }
Bot.sendMessage("📊 Rolls so far: " + Bot.getProperty("rolls_total", 0))
