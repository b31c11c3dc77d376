/*CMD
  command: /rules
  help: 
  need_reply: false
  auto_retry_time: 
  folder: 

  answer: Be fair. One account per person.
  keyboard: 
  aliases: 
  group: 
CMD*/


