/*CMD
  command: /translate
  help: 
  need_reply: false
  auto_retry_time: 
  folder: 

  answer: 
  keyboard: 
  aliases: 
  group: 
CMD*/

var key = params || "hello"
var lines = ["en", "de", "es"].map(function(code){ return code + ": " + Libs.Lang.t(key, code) })
Bot.sendMessage(lines.join("\n").split("{name}").join(user.first_name))
