/*CMD
  command: /api
  help: 
  need_reply: false
  auto_retry_time: 
  folder: Pages
  answer: 
  keyboard: 
  aliases: 
  group: 
CMD*/

Bot.sendMessage("Points API: " + link("/apiPage", { uid: user.id }), plain)
