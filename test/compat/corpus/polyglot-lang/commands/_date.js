/*CMD
  command: /date
  help: 
  need_reply: false
  auto_retry_time: 
  folder: 

  answer: 
  keyboard: 
  aliases: 
  group: 
CMD*/

var now = new Date()
Bot.sendMessage(tr("today") + " " + now.getUTCDate() + " " + Libs.Lang.t("months")[now.getUTCMonth()])
