/*CMD
  command: /help
  help: 
  need_reply: false
  auto_retry_time: 
  folder: 
  answer: 
  keyboard: 
  aliases: ❓ Help
  group: 
CMD*/

// text comes from SmartBot (@@)
