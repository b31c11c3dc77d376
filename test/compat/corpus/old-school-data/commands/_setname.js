/*CMD
  command: /setname
  help: 
  need_reply: true
  auto_retry_time: 
  folder: 
  answer: Your new nickname?
  keyboard: 
  aliases: 
  group: 
CMD*/

User.setProperty("nick", data.message, "string");
Bot.sendMessage("Saved: " + data.message);
