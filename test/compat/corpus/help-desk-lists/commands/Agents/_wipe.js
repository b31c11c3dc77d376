/*CMD
  command: /wipe
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
new List({ name: "closed" }).removeAll()
Bot.sendMessage("Closed list wiped.")
