/*CMD
  command: /onPostError
  help: 
  need_reply: false
  auto_retry_time: 
  folder: 

  answer: 
  keyboard: 
  aliases: 
  group: 
CMD*/

Bot.sendMessage("⚠️ Could not post to the payouts channel, the admin will check it manually")
