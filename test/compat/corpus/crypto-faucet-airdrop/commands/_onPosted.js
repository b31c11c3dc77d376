/*CMD
  command: /onPosted
  help: 
  need_reply: false
  auto_retry_time: 
  folder: 

  answer: 
  keyboard: 
  aliases: 
  group: 
CMD*/

Bot.sendMessage("📢 Request #" + options.bb_options.n + " is in the payouts channel (message " + options.result.message_id + ")")
