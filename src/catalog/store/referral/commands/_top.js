/*CMD
  command: /top
  help: The best inviters
  need_reply: false
  auto_retry_time: 
  folder: 
  answer: 
  keyboard: 
  aliases: 🏆 top, top
  group: 
CMD*/

var top = Bot.getProp("top", {});
var rows = Object.keys(top).map(function (id) { return top[id]; });
rows.sort(function (a, b) { return b.count - a.count; });
if (rows.length === 0) { Bot.sendMessage("Nobody has invited a friend yet. Be the first!"); return; }
var lines = rows.slice(0, 5).map(function (row, i) { return (i + 1) + ". " + row.name + " - " + row.count; });
Bot.sendMessage("🏆 Top inviters\n" + lines.join("\n"), { parse_mode: null });
