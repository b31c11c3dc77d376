/*CMD
  command: *
  help: 
  need_reply: false
  auto_retry_time: 
  folder: 

  answer: 
  keyboard: 
  aliases: 
  group: 
CMD*/

if(!message){ return }
Bot.sendMessage("🤷 Unknown command. Press /menu")
