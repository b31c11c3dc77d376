/*CMD
  command: /version
  help: 
  need_reply: false
  auto_retry_time: 
  folder: 
  answer: 
  keyboard: 
  aliases: 
  group: 
CMD*/

Bot.sendMessage("Mini app demo v2, API host " + BB_API_URL)
