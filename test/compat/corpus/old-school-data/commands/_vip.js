/*CMD
  command: /vip
  help: 
  need_reply: false
  auto_retry_time: 
  folder: 
  answer: Welcome to the VIP room.
  keyboard: 
  aliases: 
  group: vip
CMD*/

