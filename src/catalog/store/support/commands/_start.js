/*CMD
  command: /start
  help: How support works
  need_reply: false
  auto_retry_time: 
  folder: 
  answer: 
  keyboard: 
  aliases: 
  group: 
CMD*/

if (isAdmin) { Bot.sendMessage("You are the support admin. Answer a user with /reply <user id> <text>."); return; }
Bot.sendMessage("Hi " + user.first_name + "! Write your question here and our team will answer in this chat.", { parse_mode: null });
