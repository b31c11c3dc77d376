/*CMD
  command: /onSettingsSaved
  help: 
  need_reply: false
  auto_retry_time: 
  folder: Admin

  answer: 
  keyboard: 
  aliases: 
  group: 
CMD*/

Bot.sendMessage("⚙️ Settings saved: bonus " + setting("bonus", 1) + ", referral " + setting("ref_bonus", 2) + ", min withdraw " + setting("min_withdraw", 10))
