/*CMD
  command: /take
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
t.status = "taken"
t.agent = user.first_name
saveTicket(t)
Bot.sendMessage("You took ticket #" + t.id + ". Answer with /answer " + t.id + " text")
Bot.sendMessageToChatWithId(t.from, user.first_name + " took ticket #" + t.id)
