/*CMD
  command: /feedback_text
  help: 
  need_reply: true
  auto_retry_time: 
  folder: 

  answer: 
  keyboard: 
  aliases: 
  group: 
CMD*/

var all = Bot.getProperty("feedbacks", [])
all.push({from: user.first_name, text: message, lang: Libs.Lang.user.getCurLang()})
Bot.setProperty("feedbacks", all.slice(-20), "json")
Bot.sendMessage(tr("feedback_thanks"))
