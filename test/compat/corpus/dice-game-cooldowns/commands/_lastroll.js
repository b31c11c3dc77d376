/*CMD
  command: /lastroll
  help: 
  need_reply: false
  auto_retry_time: 
  folder: 

  answer: 
  keyboard: 
  aliases: 
  group: 
CMD*/

var last = User.getProperty("last_roll")
if(!last){ return Bot.sendMessage("You never rolled") }
Bot.sendMessage("Last roll: " + Libs.DateTimeFormat.format(last, "isoDate"))
