/*CMD
  command: /reset
  help: 
  need_reply: false
  auto_retry_time: 
  folder: 
  answer: 
  keyboard: 
  aliases: 
  group: 
CMD*/

tasker.clearUserProgress()
Bot.sendMessage("🔄 Progress cleared. Tasks left: " + tasker.getTasksForWork().length)
