/*CMD
  command: *
  help: Anything else
  need_reply: false
  auto_retry_time: 
  folder: 
  answer: I did not get that. Send /help to see what I understand.
  keyboard: 
  aliases: 
  group: 
CMD*/

