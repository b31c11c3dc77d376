/*CMD
  command: hello.html
  help: 
  need_reply: false
  auto_retry_time: 
  folder: Templates
  answer: 
  keyboard: 
  aliases: 
  group: 
CMD*/

<html><body><h1>Hello, <%= options.name %>!</h1><p>from bot <%= bot.id > 0 ? "ok" : "?" %></p></body></html>
