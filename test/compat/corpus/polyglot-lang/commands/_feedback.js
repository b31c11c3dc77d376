/*CMD
  command: /feedback
  help: 
  need_reply: false
  auto_retry_time: 
  folder: 

  answer: 
  keyboard: 
  aliases: 
  group: 
CMD*/

Bot.sendMessage(tr("feedback_ask"))
Bot.runCommand("/feedback_text")
