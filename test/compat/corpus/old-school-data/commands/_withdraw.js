/*CMD
  command: /withdraw
  help: 
  need_reply: true
  auto_retry_time: 
  folder: 
  answer: How many coins?
  keyboard: 
  aliases: 
  group: 
CMD*/

var amount = parseInt(data.message);
if (isNaN(amount) || amount <= 0) {
  Bot.sendMessage("Send a whole number.");
  return;
}
var have = User.getProperty("balance", 0);
if (amount > have) {
  Bot.sendMessage("Not enough coins, you have " + have);
  return;
}
User.setProperty("balance", have - amount, "integer");
Bot.sendMessage("Withdrawn " + amount + ", left " + (have - amount));
