/*CMD
  command: /top
  help: 
  need_reply: false
  auto_retry_time: 
  folder: 
  answer: 
  keyboard: 
  aliases: 
  group: 
CMD*/

var board = TopBoardLib.getBoard("solvers")
if(board.length == 0){ return Bot.sendMessage("No solvers yet") }
Bot.sendMessage("🏆 Solvers:\n" + board.map(function(r, i){ return (i + 1) + ". " + r.first_name + " - " + r.value }).join("\n"))
