/*CMD
  command: /flip
  help: 
  need_reply: false
  auto_retry_time: 
  folder: 

  answer: 
  keyboard: 
  aliases: 🪙 flip
  group: 
CMD*/

Libs.Random.sendMessage(["🪙 Heads!", "🪙 Tails!"])
