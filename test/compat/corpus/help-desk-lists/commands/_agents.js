/*CMD
  command: /agents
  help: 
  need_reply: false
  auto_retry_time: 
  folder: 
  answer: 
  keyboard: 
  aliases: 
  group: 
CMD*/

Bot.sendMessage("Agents online: " + agents.getUsers().map(function (a) { return a.first_name }).join(", "))
