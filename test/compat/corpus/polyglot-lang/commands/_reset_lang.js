/*CMD
  command: /reset_lang
  help: 
  need_reply: false
  auto_retry_time: 
  folder: 

  answer: 
  keyboard: 
  aliases: 
  group: 
CMD*/

Libs.Lang.user.setLang(Libs.Lang.default.getCurLang())
Bot.sendMessage(tr("lang_changed"))
