/*CMD
  command: /guess
  help: 
  need_reply: true
  auto_retry_time: 
  folder: 

  answer: Guess a number: 1, 2 or 3
  keyboard: 
  aliases: 
  group: 
CMD*/

var n = parseInt(message)
if(!(n >= 1 && n <= 3)){ return Bot.sendMessage("Only 1, 2 or 3!") }
var secret = Libs.Random.randomInt(1, 3)
if(n == secret){
  ResLib.userRes("coins").add(2)
  Bot.sendMessage("🔮 The number was " + secret + ". You win 2 coins!")
} else {
  Bot.sendMessage("🔮 The number was " + secret + ". Try again with /guess")
}
