/*CMD
  command: /language
  help: 
  need_reply: false
  auto_retry_time: 
  folder: 

  answer: 
  keyboard: 
  aliases: 
  group: 
CMD*/

Bot.sendInlineKeyboard([
  [{title: "🇬🇧 English", command: "/setlang en"}, {title: "🇩🇪 Deutsch", command: "/setlang de"}],
  [{title: "🇪🇸 Español", command: "/setlang es"}]
], tr("choose"))
