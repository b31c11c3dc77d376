/*CMD
  command: /resettop
  help: 
  need_reply: false
  auto_retry_time: 
  folder: Admin

  answer: 
  keyboard: 
  aliases: 
  group: 
CMD*/

if(Bot.getProperty("admin_id") != user.telegramid){ return Bot.sendMessage("⛔ Access denied") }
TopBoardLib.resetBoard("REFLIB_top")
Bot.sendMessage("Top list cleared")
