/*CMD
  command: /reload
  help: 
  need_reply: false
  auto_retry_time: 
  folder: Admin

  answer: 
  keyboard: 
  aliases: 
  group: 
CMD*/

if(Bot.getProperty("admin") != user.id){ return Bot.sendMessage("⛔") }
Bot.setProperty("lang_ready", false, "boolean")
Bot.sendMessage("Dictionaries will be stored again on the next message")
