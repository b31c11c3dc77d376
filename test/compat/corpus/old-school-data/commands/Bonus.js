/*CMD
  command: Bonus
  help: 
  need_reply: false
  auto_retry_time: 
  folder: 
  answer: 
  keyboard: 
  aliases: /bonus
  group: 
CMD*/

var last = User.getProperty("last_bonus");
var now = new Date();
if (last && now - last < 24 * 60 * 60 * 1000) {
  Bot.sendMessage("Come back later for the next bonus.");
  return;
}
User.setProperty("last_bonus", now, "datetime");
User.setProperty("balance", User.getProperty("balance", 0) + 10, "integer");
Bot.sendMessage("+10 coins! Balance: " + User.getProperty("balance") + " coins");
