/*CMD
  command: /accessDenied
  help: 
  need_reply: false
  auto_retry_time: 
  folder: 
  answer: 
  keyboard: 
  aliases: 
  group: 
CMD*/

Bot.sendMessage("⛔ Admins only, " + user.first_name)
