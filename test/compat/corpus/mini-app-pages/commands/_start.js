/*CMD
  command: /start
  help: 
  need_reply: false
  auto_retry_time: 
  folder: 
  answer: 
  keyboard: 
  aliases: 
  group: 
CMD*/

Bot.sendMessage("Welcome to the mini app demo, " + user.first_name + "! /profile opens your page, /earn gives points.")
