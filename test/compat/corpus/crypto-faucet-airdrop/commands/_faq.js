/*CMD
  command: /faq
  help: 
  need_reply: false
  auto_retry_time: 
  folder: 

  answer: 
  keyboard: 
  aliases: ❓ faq, help
  group: 
CMD*/

if(params == "min"){ return Bot.sendMessage("Minimum withdraw is " + setting("min_withdraw", 10) + " " + COIN) }
if(params == "ref"){ return Bot.sendMessage("You get " + setting("ref_bonus", 2) + " " + COIN + " for each friend who starts the bot") }
Bot.sendInlineKeyboard([[{ title: "Minimum withdraw", command: "/faq min" }], [{ title: "Referrals", command: "/faq ref" }]], "❓ FAQ")
