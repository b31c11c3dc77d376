/*CMD
  command: /start
  help: Start the quiz
  need_reply: false
  auto_retry_time: 
  folder: 
  answer: 
  keyboard: 
  aliases: 
  group: 
CMD*/

Bot.sendMessage("Welcome to the quiz! " + QUESTIONS.length + " questions, one point each.");
Bot.runCommand("/quiz");
