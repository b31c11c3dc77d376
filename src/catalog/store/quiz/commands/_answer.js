/*CMD
  command: /answer
  help: A pressed option
  need_reply: false
  auto_retry_time: 
  folder: 
  answer: 
  keyboard: 
  aliases: 
  group: 
CMD*/

var parts = (params || "").split(" ");
var index = Number(parts[0]);
var choice = Number(parts[1]);
// An old keyboard pressed again scores nothing.
if (index !== User.getProp("question", -1)) { Api.answerCallbackQuery({ callback_query_id: request.id, text: "That question is over" }); return; }
var q = QUESTIONS[index];
var score = User.getProp("score", 0);
if (choice === q.answer) { score += 1; Bot.sendMessage("✅ Right!"); }
else { Bot.sendMessage("❌ No, it is " + q.options[q.answer] + "."); }
User.setProp("score", score, "integer");
if (index + 1 < QUESTIONS.length) { User.setProp("question", index + 1, "integer"); ask(index + 1); return; }
User.setProp("question", -1, "integer");
Bot.sendInlineKeyboard([{ title: "Play again", command: "/quiz" }], "Your score: " + score + " of " + QUESTIONS.length);
