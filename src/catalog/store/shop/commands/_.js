/*CMD
  command: *
  help: Anything else
  need_reply: false
  auto_retry_time: 
  folder: 
  answer: Use the buttons below, or send /start.
  keyboard: 
  aliases: 
  group: 
CMD*/

