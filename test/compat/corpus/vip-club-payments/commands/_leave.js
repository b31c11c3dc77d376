/*CMD
  command: /leave
  help: 
  need_reply: false
  auto_retry_time: 
  folder: 
  answer: 
  keyboard: 
  aliases: 
  group: 
CMD*/

User.setProperty("vip", false, "boolean")
Bot.sendMessage("VIP cancelled. Come back soon!")
