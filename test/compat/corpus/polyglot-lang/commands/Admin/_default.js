/*CMD
  command: /default
  help: 
  need_reply: false
  auto_retry_time: 
  folder: Admin

  answer: 
  keyboard: 
  aliases: 
  group: 
CMD*/

if(Bot.getProperty("admin") != user.id){ return Bot.sendMessage("⛔") }
Libs.Lang.default.setLang(params)
Bot.sendMessage("Default language: " + Libs.Lang.default.getCurLang())
