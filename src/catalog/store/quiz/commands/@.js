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

var QUESTIONS = [
  { text: "What is the capital of France?", options: ["Paris", "Rome", "Madrid"], answer: 0 },
  { text: "How many legs does a spider have?", options: ["6", "8", "10"], answer: 1 },
  { text: "Which planet is the largest?", options: ["Mars", "Earth", "Jupiter"], answer: 2 }
];
function ask(index) {
  var q = QUESTIONS[index];
  var buttons = q.options.map(function (option, i) { return { title: option, command: "/answer " + index + " " + i }; });
  Bot.sendInlineKeyboard([buttons], "Question " + (index + 1) + " of " + QUESTIONS.length + ": " + q.text);
}
