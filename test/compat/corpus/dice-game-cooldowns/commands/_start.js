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

var energy = ResLib.userRes("energy")
if(!energy.growth.info()){
  energy.set(5)
  // +1 energy every 10 minutes, never above 5
  energy.growth.add({value: 1, interval: 600, max: 5})
}
Bot.sendKeyboard("🎲 Roll, 🎁 Daily\n⚡ Energy, 🏆 Leaders\n🪙 Flip, 👤 Profile", "🎲 Welcome to Lucky Dice, " + user.first_name + "!\nRoll the dice, collect points, beat your friends.")
