/*CMD
  command: @
  help: 
  need_reply: false
  auto_retry_time: 
  folder: 
  answer: 
  keyboard: 
  aliases: 
  group: 
CMD*/

let agents = new List({ name: "agents" })
let isAgent = user ? !!agents.haveUser(user) : false

function ticket(id) { return Bot.getProperty("ticket" + id) }
function saveTicket(t) { Bot.setProperty({ name: "ticket" + t.id, value: t, type: "json", list: "tickets" }) }
