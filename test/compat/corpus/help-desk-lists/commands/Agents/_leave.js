/*CMD
  command: /leave
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
agents.rejectUser(user)
Bot.sendMessage("You left the agents.")
