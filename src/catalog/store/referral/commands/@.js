/*CMD
  command: @
  help: 
  need_reply: false
  auto_retry_time: 
  folder: 
  answer: 
  keyboard: 
  aliases: 
  group: 
CMD*/

var BONUS = 10;
var points = User.getProp("points", 0);
var invited = User.getProp("invited", 0);
