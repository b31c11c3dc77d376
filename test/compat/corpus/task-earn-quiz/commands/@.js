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

// shared for all commands: the quiz tasks
var tasker = new SmartTasker({
  name: "quiz",
  balance: "coins",
  tasks: [
    { id: "capital", title: "Geography", question: "🌍 {title}: capital of France? (+{reward} coins)", answer: "Paris", reward: 5 },
    { id: "math", title: "Math", question: "🧮 {title}: 7 x 6 = ? (+{reward} coins)", answer: "42", reward: 3 },
    { id: "follow", title: "Follow", question: "📢 {title}: follow @quiznews and send any text (+{reward} coins)", reward: 2 }
  ]
})
