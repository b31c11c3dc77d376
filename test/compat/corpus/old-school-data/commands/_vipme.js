/*CMD
  command: /vipme
  help: 
  need_reply: false
  auto_retry_time: 
  folder: 
  answer: 
  keyboard: 
  aliases: 
  group: 
CMD*/

User.addToGroup("vip");
Bot.sendMessage("You are VIP now: " + User.getGroup());
