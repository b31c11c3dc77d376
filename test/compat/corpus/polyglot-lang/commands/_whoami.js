/*CMD
  command: /whoami
  help: 
  need_reply: false
  auto_retry_time: 
  folder: 

  answer: 
  keyboard: 
  aliases: 
  group: 
CMD*/

Bot.sendMessage(user.first_name + " (" + Libs.Lang.user.getCurLang() + ")")
