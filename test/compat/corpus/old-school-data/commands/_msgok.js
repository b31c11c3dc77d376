/*CMD
  command: /msgok
  help: 
  need_reply: false
  auto_retry_time: 
  folder: 
  answer: 
  keyboard: 
  aliases: 
  group: 
CMD*/

if (!options) return;
Bot.sendMessage("pong, message id is a " + typeof options.result.message_id);
