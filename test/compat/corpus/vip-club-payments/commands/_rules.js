/*CMD
  command: /rules
  help: 
  need_reply: false
  auto_retry_time: 
  folder: 
  answer: 
  keyboard: 
  aliases: 📜 Rules
  group: 
CMD*/

// answered by SmartBot in @@
