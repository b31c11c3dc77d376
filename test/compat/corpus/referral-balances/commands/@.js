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

// remember internal ids by telegram id (old links used telegram ids)
if(user){
  Bot.setProperty("uid_" + user.telegramid, user.id, "integer")
}
