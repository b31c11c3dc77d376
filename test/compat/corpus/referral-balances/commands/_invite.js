/*CMD
  command: /invite
  help: 
  need_reply: false
  auto_retry_time: 
  folder: 

  answer: 
  keyboard: 
  aliases: 👥 invite
  group: 
CMD*/

var link = RefLib.getLink(bot.name)
Bot.sendMessage("Invite friends and get " + Bot.getProperty("ref_bonus", 5) + " coins for each!\nYour link: " + link, {parse_mode: null})
