/*CMD
  command: /stats
  help: 
  need_reply: false
  auto_retry_time: 
  folder: Pages
  answer: 
  keyboard: 
  aliases: 
  group: 
CMD*/

Bot.sendMessage("Stats: " + link("/statsPage"), plain)
