/*CMD
  command: /helloPage
  help: 
  need_reply: false
  auto_retry_time: 
  folder: Pages
  answer: 
  keyboard: 
  aliases: 
  group: 
CMD*/

WebApp.render({ template: "hello.html", options: { name: options.name || "guest" } })
