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

var supported = ["en", "de", "es"]
if(!User.getProperty("lang_lib_curLangName") && user.language_code && supported.indexOf(user.language_code) > 0){
  Libs.Lang.user.setLang(user.language_code)
}
menu(tr("welcome", {name: user.first_name}))
