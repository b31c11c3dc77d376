/*CMD
  command: /reopen
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
if (!t) return
t.status = "open"
saveTicket(t)
new List({ name: "closed" }).removeProperty("closed" + t.id)
Bot.sendMessage("Reopened #" + t.id)
