/*CMD
  command: /setsalt
  help: 
  need_reply: false
  auto_retry_time: 
  folder: admins
  answer: 
  keyboard: 
  aliases: 
  group: 
CMD*/

if(!params){ return Bot.sendMessage("Usage: /setsalt <text>") }
Bot.setProperty("key_salt", params, "string")
Bot.sendMessage("Salt updated")
