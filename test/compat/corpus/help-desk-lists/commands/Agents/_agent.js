/*CMD
  command: /agent
  help: 
  need_reply: false
  auto_retry_time: 
  folder: Agents
  answer: 
  keyboard: 
  aliases: 
  group: 
CMD*/

if (isAgent) { Bot.sendMessage("You are already an agent."); return }
agents.addUser(user)
Bot.sendMessage("You are an agent now. /tickets shows the open ones.")
