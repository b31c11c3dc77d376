/*CMD
  command: /support
  help: 
  need_reply: false
  auto_retry_time: 
  folder: 

  answer: 📩 Write to @FaucetSupportTeam, we answer within 24h
  keyboard: 
  aliases: 
  group: 
CMD*/


