/*CMD
  command: /help
  help: 
  need_reply: false
  auto_retry_time: 
  folder: 

  <<ANSWER
🎲 /roll costs 1 energy (+1 every 10 min)
🎁 /daily gives 10 coins once a day
🎰 /spin once a minute per chat
🛒 /shop, 🏆 /leaders, 📅 /weekly
  ANSWER

  keyboard: 
  aliases: help, ❓ help
  group: 
CMD*/


