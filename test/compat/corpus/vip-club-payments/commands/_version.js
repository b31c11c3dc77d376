/*CMD
  command: /version
  help: 
  need_reply: false
  auto_retry_time: 
  folder: 
  answer: 
  keyboard: 
  aliases: 
  group: 
CMD*/

Bot.sendMessage("Build 2024.11 (libs: Guard, MembershipChecker, Webhooks, CryptoJS)")
