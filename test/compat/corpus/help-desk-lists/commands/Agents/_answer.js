/*CMD
  command: /answer
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
let id = params.split(" ")[0]
let text = params.slice(id.length + 1)
let t = ticket(id)
if (!t || !text) { Bot.sendMessage("Usage: /answer id text"); return }
Bot.sendMessageToChatWithId(t.from, "💬 Ticket #" + t.id + ": " + text)
Bot.sendMessage("Sent.")
