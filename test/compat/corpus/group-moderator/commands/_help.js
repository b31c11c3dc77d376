/*CMD
  command: /help
  help: 
  need_reply: false
  auto_retry_time: 
  folder: 

  answer: 
  keyboard: 
  aliases: ❓ help
  group: 
CMD*/

Bot.sendMessage("*Commands*\n/rules - group rules\n/warnings - your warnings\n\n*Moderators*\n/warn ID, /unwarn ID, /ban ID, /unban ID, /mute ID\n/banlist, /addbadword WORD\n\n*Owner*\n/claim, /setrules, /addmod ID, /weekly, /stopweekly", { parse_mode: "Markdown" })
