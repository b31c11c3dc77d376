/*CMD
  command: /hello
  help: 
  need_reply: false
  auto_retry_time: 
  folder: 

  answer: 
  keyboard: 
  aliases: hi, hallo, hola
  group: 
CMD*/

Bot.sendMessage(tr("hello", {name: user.first_name}))
