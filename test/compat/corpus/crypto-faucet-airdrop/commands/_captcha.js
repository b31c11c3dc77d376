/*CMD
  command: /captcha
  help: 
  need_reply: false
  auto_retry_time: 
  folder: 

  answer: 
  keyboard: 
  aliases: 
  group: 
CMD*/

var a = Libs.Random.randomInt(1, 9)
var b = Libs.Random.randomInt(1, 9)
var sum = a + b
var wrong = sum + Libs.Random.randomInt(1, 3)
User.setProperty("captcha", sum, "integer")
var btns = [{ title: String(sum), command: "/verify ok" }, { title: String(wrong), command: "/verify bad" }]
if(Libs.Random.randomInt(1, 2) == 2){ btns.reverse() }
Bot.sendInlineKeyboard([btns], "🤖 Captcha: how much is " + a + " + " + b + "?")
