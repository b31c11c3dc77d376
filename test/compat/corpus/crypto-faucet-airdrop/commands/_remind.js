/*CMD
  command: /remind
  help: 
  need_reply: false
  auto_retry_time: 
  folder: 

  answer: 
  keyboard: 
  aliases: ⏰ remind
  group: 
CMD*/

Bot.clearRunAfter({ label: "bonus_" + user.id })
Bot.run({ command: "/bonusReminder", run_after: 86400, label: "bonus_" + user.id })
Bot.sendMessage("⏰ OK, I will remind you about the bonus in 24 hours")
