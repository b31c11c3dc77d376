/*CMD
  command: /tasks
  help: 
  need_reply: false
  auto_retry_time: 
  folder: 
  answer: 
  keyboard: 
  aliases: 📝 Tasks
  group: 
CMD*/

var q = tasker.prepareTaskQuestion()
if(!q){ return Bot.sendMessage("🎉 All tasks done! Check 💰 Wallet") }
Bot.sendInlineKeyboard([[{ title: "⏭ Skip", command: "/skip" }]], q)
Bot.runCommand("/taskAnswer")
