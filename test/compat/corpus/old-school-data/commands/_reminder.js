/*CMD
  command: /reminder
  help: 
  need_reply: false
  auto_retry_time: 
  folder: 
  answer: 
  keyboard: 
  aliases: 
  group: 
CMD*/

if (!data.options) return;
Bot.sendMessage("Reminder for " + data.options.name + "!");
