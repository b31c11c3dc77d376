/*CMD
  command: /hello
  help: 
  need_reply: false
  auto_retry_time: 
  folder: Pages
  answer: 
  keyboard: 
  aliases: 
  group: 
CMD*/

Bot.sendMessage("Greeting page: " + link("/helloPage", { name: user.first_name }), plain)
