/*CMD
  command: /leaders
  help: 
  need_reply: false
  auto_retry_time: 
  folder: 

  answer: 
  keyboard: 
  aliases: 🏆 leaders
  group: 
CMD*/

var board = TopBoardLib.getBoard()
if(board.length == 0){ return Bot.sendMessage("No scores yet. Roll the dice!") }
var text = "🏆 Leaders\n"
board.forEach(function(item, i){ text += (i + 1) + ". " + item.first_name + " — " + item.value + "\n" })
Bot.sendMessage(text)
