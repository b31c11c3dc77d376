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

if (request && request.web_app_data) {
  Bot.sendMessage("The app sent: " + request.web_app_data.data)
  return
}
Bot.sendMessage("Try /help")
