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

// answered by SmartBot in @@
