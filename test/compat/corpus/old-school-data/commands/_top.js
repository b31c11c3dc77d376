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

var top = Bot.getProperty("top", {});
top[data.user.first_name] = User.getProperty("balance", 0);
Bot.setProperty("top", top, "json");
var names = Object.keys(top).sort(function (a, b) { return top[b] - top[a] });
var text = "Top:";
for (var i = 0; i < names.length; i++) text += "\n" + (i + 1) + ". " + names[i] + " " + top[names[i]];
Bot.sendMessage(text);
