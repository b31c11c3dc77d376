/*CMD
  command: /referral
  help: 
  need_reply: false
  auto_retry_time: 
  folder: 

  answer: 
  keyboard: 
  aliases: 👥 referral, invite
  group: 
CMD*/

var link = "https://t.me/" + bot.name + "?start=ref" + user.telegramid
Bot.sendMessage("👥 Invite friends and earn " + setting("ref_bonus", 2) + " " + COIN + " for each one!\n\nYour link: " + link + "\nInvited: " + RefLib.getRefCount(), { disable_web_page_preview: true, parse_mode: "HTML" })
