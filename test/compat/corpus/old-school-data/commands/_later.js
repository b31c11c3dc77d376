/*CMD
  command: /later
  help: 
  need_reply: false
  auto_retry_time: 
  folder: 
  answer: 
  keyboard: 
  aliases: 
  group: 
CMD*/

Bot.run({ command: "/reminder", run_after: 60, options: { name: data.user.first_name } });
Bot.sendMessage("I will remind you in a minute.");
