/*CMD
  command: /close
  help: 
  need_reply: false
  auto_retry_time: 
  folder: Agents
  answer: 
  keyboard: 
  aliases: 
  group: 
CMD*/

if (!isAgent) return
let t = ticket(params)
if (!t) { Bot.sendMessage("No ticket " + params); return }
t.status = "closed"
saveTicket(t)
Bot.setProperty({ name: "closed" + t.id, value: t.id, type: "integer", list: "closed" })
Bot.sendMessageToChatWithId(t.from, "Ticket #" + t.id + " is closed. /rate us?")
Bot.sendMessage("Closed #" + t.id)
