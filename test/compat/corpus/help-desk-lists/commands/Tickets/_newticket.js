/*CMD
  command: /newticket
  help: 
  need_reply: true
  auto_retry_time: 
  folder: Tickets
  answer: Describe your problem in one message:
  keyboard: 
  aliases: 📝 new ticket
  group: 
CMD*/

if (message.length < 5) {
  Bot.sendMessage("Please write a bit more.")
  Bot.runCommand("/newticket")
  return
}
let id = Bot.getProperty("ticket_seq", 0) + 1
Bot.setProperty("ticket_seq", id, "integer")
saveTicket({ id: id, text: message, status: "open", from: user.telegramid, name: user.first_name })
Bot.sendMessage("Ticket #" + id + " created. We will answer soon.")
agents.getUsers().forEach(function (a) {
  Bot.sendMessageToChatWithId(a.telegramid, "🆕 Ticket #" + id + " from " + user.first_name + ": " + message)
})
