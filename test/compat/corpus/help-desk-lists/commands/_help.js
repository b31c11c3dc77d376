/*CMD
  command: /help
  help: 
  need_reply: false
  auto_retry_time: 
  folder: 
  answer: Send /newticket to open a ticket, /mytickets to see yours, /faq for answers.
  keyboard: 
  aliases: 
  group: 
CMD*/

