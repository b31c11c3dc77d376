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

if(!params){ return Bot.sendMessage("Usage: /setlang en|es") }
User.setProperty("SmartBot_lng", params, "string")
Bot.sendMessage(params == "es" ? "Idioma: Español 🇪🇸" : "Language: English 🇬🇧")
