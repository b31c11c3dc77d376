/*CMD
  command: /profile
  help: 
  need_reply: false
  auto_retry_time: 
  folder: Pages
  answer: 
  keyboard: 
  aliases: 
  group: 
CMD*/

Bot.sendMessage("Your page: " + link("/profilePage", { uid: user.id }), plain)
