/*CMD
  command: /languages
  help: 
  need_reply: false
  auto_retry_time: 
  folder: 

  answer: 
  keyboard: 
  aliases: 
  group: 
CMD*/

Bot.sendMessage("Languages: en, de, es. Default: " + Libs.Lang.default.getCurLang() + ". Yours: " + Libs.Lang.user.getCurLang())
