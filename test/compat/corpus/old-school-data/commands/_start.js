/*CMD
  command: /start
  help: 
  need_reply: false
  auto_retry_time: 
  folder: 
  answer: 
  keyboard: 
  aliases: 
  group: 
CMD*/

// old bot from 2019, written with the data object
var balance = User.getProperty("balance");
if (balance == undefined) {
  User.setProperty("balance", 0, "integer");
  GoogleAnalytics.trackEvent("users", "new");
}
if (data.params && data.params != String(data.user.telegramid)) {
  var ref = parseInt(data.params);
  if (!User.getProperty("invited_by") && !isNaN(ref)) {
    User.setProperty("invited_by", ref, "integer");
    var refBalance = User.getProperty({ name: "balance", user_telegramid: ref }) || 0;
    User.setProperty({ name: "balance", value: refBalance + 5, type: "integer", user_telegramid: ref });
    Bot.sendMessageToChatWithId(ref, "New referral: " + data.user.first_name + " (+5 coins)");
  }
}
Bot.sendKeyboard("Balance, Bonus\nReferral, Help", "Hello " + data.user.first_name + "!");
