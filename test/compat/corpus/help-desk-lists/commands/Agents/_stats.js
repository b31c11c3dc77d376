/*CMD
  command: /stats
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
Bot.sendMessage("Tickets: " + new List({ name: "tickets" }).count + ", closed: " + new List({ name: "closed" }).count + ", agents: " + agents.users_count)
