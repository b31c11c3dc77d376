/*CMD
  command: /ratings
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
let votes = new List({ name: "ratings" }).get()
if (!votes.length) { Bot.sendMessage("No ratings yet."); return }
let sum = votes.reduce(function (s, p) { return s + p.value }, 0)
Bot.sendMessage("Average rating: " + (sum / votes.length) + " from " + votes.length + " votes")
