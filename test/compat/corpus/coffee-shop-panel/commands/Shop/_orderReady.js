/*CMD
  command: /orderReady
  help: 
  need_reply: false
  auto_retry_time: 
  folder: Shop
  answer: 
  keyboard: 
  aliases: 
  group: 
CMD*/

if (!options) return
Bot.sendMessage("Your order #" + options.id + " is on its way!")
