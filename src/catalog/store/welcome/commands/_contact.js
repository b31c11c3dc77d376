/*CMD
  command: /contact
  help: Reach a human
  need_reply: false
  auto_retry_time: 
  folder: 
  answer: 
  keyboard: 
  aliases: 📞 contact, contact
  group: 
CMD*/

var contact = Bot.getProp("contact", "the bot owner");
Bot.sendMessage("You can reach " + contact + " for anything I cannot answer.");
