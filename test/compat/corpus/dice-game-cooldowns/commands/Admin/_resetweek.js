/*CMD
  command: /resetweek
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
TopBoardLib.resetBoard("weekly")
Bot.sendMessage("📅 Weekly board cleared")
