/*CMD
  command: /help
  help: 
  need_reply: false
  auto_retry_time: 
  folder: 

  <<ANSWER
Invite friends with your link, each friend gives you coins.
Commands: /balance /invite /refs /top /withdraw /transfer /exchange /savings
  ANSWER

  keyboard: 
  aliases: ℹ️ help, help
  group: 
CMD*/


