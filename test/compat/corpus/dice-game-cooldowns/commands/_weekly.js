/*CMD
  command: /weekly
  help: 
  need_reply: false
  auto_retry_time: 
  folder: 

  answer: 
  keyboard: 
  aliases: 
  group: 
CMD*/

var board = TopBoardLib.getBoard("weekly")
var text = "📅 This week\n"
for(var i in board){ text += board[i].first_name + ": " + board[i].value + "\n" }
Bot.sendMessage(board.length ? text : "Nobody played this week")
