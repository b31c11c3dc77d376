/*CMD
  command: /resetwarnings
  help: 
  need_reply: false
  auto_retry_time: 
  folder: 

  answer: 
  keyboard: 
  aliases: 
  group: 
CMD*/

User.setProp("warnings", 0, "integer")
Bot.sendMessage("✅ " + user.first_name + ", your warnings were cleared")
