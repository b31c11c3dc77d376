/*CMD
  command: /givevip
  help: 
  need_reply: false
  auto_retry_time: 
  folder: admins
  answer: 
  keyboard: 
  aliases: 
  group: 
CMD*/

var tgid = parseInt(params)
if(!tgid){ return Bot.sendMessage("Usage: /givevip <telegram id>") }
User.setProperty({ name: "vip", value: true, type: "boolean", user_telegramid: tgid })
Bot.sendMessage("💎 VIP given to " + tgid)
