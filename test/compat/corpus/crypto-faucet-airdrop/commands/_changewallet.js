/*CMD
  command: /changewallet
  help: 
  need_reply: false
  auto_retry_time: 
  folder: 

  answer: 
  keyboard: 
  aliases: 
  group: 
CMD*/

User.setProperty("wallet", null, "string")
Bot.runCommand("/ask_wallet")
