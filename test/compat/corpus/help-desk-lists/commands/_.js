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

if (request && request.photo) {
  Bot.sendMessage("📎 Got your file. Add it to a ticket with a short text.")
  return
}
if (request && request.contact) {
  User.setProperty("phone", request.contact.phone_number, "string")
  Bot.sendMessage("Thanks, we saved your phone.")
  return
}
Bot.sendMessage("Send /start to see the menu.")
