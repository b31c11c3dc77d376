/*CMD
  command: /skip
  help: 
  need_reply: false
  auto_retry_time: 
  folder: 
  answer: 
  keyboard: 
  aliases: 
  group: 
CMD*/

if(tasker.skipTask()){
  Bot.sendMessage("⏭ Skipped. Tasks left: " + tasker.getTasksForWork().length)
}else{
  Bot.sendMessage("Nothing to skip")
}
