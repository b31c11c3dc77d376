/*CMD
  command: /quiz
  help: Play (again)
  need_reply: false
  auto_retry_time: 
  folder: 
  answer: 
  keyboard: 
  aliases: play again
  group: 
CMD*/

User.setProp("question", 0, "integer");
User.setProp("score", 0, "integer");
ask(0);
