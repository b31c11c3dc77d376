/*CMD
  command: /tickets
  help: 
  need_reply: false
  auto_retry_time: 
  folder: Agents
  answer: 
  keyboard: 
  aliases: 
  group: 
CMD*/

if (!isAgent) { Bot.sendMessage("Agents only."); return }
let list = new List({ name: "tickets" })
list.per_page = 5
list.page = parseInt(params) || 1
let open = list.get().filter(function (p) { return p.value.status != "closed" })
if (!open.length) { Bot.sendMessage("No open tickets."); return }
let buttons = open.map(function (p) { return { title: "#" + p.value.id + " " + p.value.text.slice(0, 20), command: "/take " + p.value.id } })
Bot.sendInlineKeyboard(buttons, "Open tickets (page " + list.page + " of " + list.total_pages + "):")
