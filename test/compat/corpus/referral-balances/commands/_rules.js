/*CMD
  command: /rules
  help: 
  need_reply: false
  auto_retry_time: 
  folder: 

  <<ANSWER
1. No fake accounts
2. Minimal withdraw is 1 coin
3. Have fun
  ANSWER

  keyboard: 
  aliases: 
  group: 
CMD*/


