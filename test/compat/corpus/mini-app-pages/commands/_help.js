/*CMD
  command: /help
  help: 
  need_reply: false
  auto_retry_time: 
  folder: 
  answer: /profile, /earn, /points, /hello, /stats, /shop, /buy, /api
  keyboard: 
  aliases: 
  group: 
CMD*/

