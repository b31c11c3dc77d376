/*CMD
  command: /taskAnswer
  help: 
  need_reply: true
  auto_retry_time: 
  folder: 
  answer: ✍️ Your answer:
  keyboard: 
  aliases: 
  group: 
CMD*/

if(tasker.acceptAnswer(message)){
  TopBoardLib.addScore({ value: 1, boardName: "solvers" })
  Bot.sendMessage("✅ Correct! Coins: " + ResLib.userRes("coins").value())
}else{
  Bot.sendMessage("❌ Wrong. Tap 📝 Tasks to try again")
}
