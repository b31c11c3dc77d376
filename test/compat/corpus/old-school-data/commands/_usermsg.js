/*CMD
  command: /usermsg
  help: 
  need_reply: false
  auto_retry_time: 
  folder: 
  answer: 
  keyboard: 
  aliases: 
  group: 
CMD*/

User.sendMessage("hi from User.sendMessage");
