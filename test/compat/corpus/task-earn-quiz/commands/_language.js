/*CMD
  command: /language
  help: 
  need_reply: false
  auto_retry_time: 
  folder: 
  answer: 
  keyboard: 
  aliases: 🌐 Language
  group: 
CMD*/

Bot.sendInlineKeyboard([[{ title: "🇬🇧 English", command: "/setlang en" }, { title: "🇪🇸 Español", command: "/setlang es" }]], "Choose language:")
