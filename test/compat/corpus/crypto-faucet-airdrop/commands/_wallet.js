/*CMD
  command: /wallet
  help: 
  need_reply: false
  auto_retry_time: 
  folder: 

  answer: 
  keyboard: 
  aliases: 👛 wallet, mywallet
  group: 
CMD*/

var w = User.getProperty("wallet")
if(!w){ return Bot.runCommand("/ask_wallet") }
Bot.sendInlineKeyboard([{ title: "✏️ Change", command: "/changewallet" }], "👛 Your wallet: " + w)
