/*CMD
  command: /setlang
  help: 
  need_reply: false
  auto_retry_time: 
  folder: 

  answer: 
  keyboard: 
  aliases: 
  group: 
CMD*/

if(["en", "de", "es"].indexOf(params) < 0){ return Bot.sendMessage("en / de / es ?") }
Libs.Lang.user.setLang(params)
Bot.sendMessage(tr("lang_changed"))
menu()
