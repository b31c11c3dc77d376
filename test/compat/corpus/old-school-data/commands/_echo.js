/*CMD
  command: /echo
  help: 
  need_reply: false
  auto_retry_time: 
  folder: 
  answer: 
  keyboard: 
  aliases: 
  group: 
CMD*/

if (!data.params) { Bot.sendMessage("Usage: /echo text"); return }
Bot.sendMessage(data.params, { parse_mode: null });
