/*CMD
  command: /mytickets
  help: 
  need_reply: false
  auto_retry_time: 
  folder: Tickets
  answer: 
  keyboard: 
  aliases: 📋 my tickets
  group: 
CMD*/

let list = new List({ name: "tickets" })
let mine = list.get().filter(function (p) { return p.value.from == user.telegramid })
if (!mine.length) { Bot.sendMessage("You have no tickets."); return }
Bot.sendMessage(mine.map(function (p) { return "#" + p.value.id + " " + p.value.status + ": " + p.value.text }).join("\n"))
