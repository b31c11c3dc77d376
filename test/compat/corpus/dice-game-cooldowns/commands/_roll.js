/*CMD
  command: /roll
  help: 
  need_reply: false
  auto_retry_time: 
  folder: 

  answer: 
  keyboard: 
  aliases: 🎲 roll, roll
  group: 
CMD*/

var energy = ResLib.userRes("energy")
if(!energy.have(1)){
  Bot.sendMessage("😴 No energy! Next +1 in " + Math.ceil(energy.growth.willCompletedAfter() / 60) + " min")
  return
}
energy.remove(1)
var dice = Libs.Random.randomInt(1, 6)
var botDice = Libs.Random.randomInt(1, 6)
TopBoardLib.addScore({value: dice})
TopBoardLib.addScore({value: dice, boardName: "weekly", maxCount: 5})
Bot.setProperty("rolls_total", Bot.getProperty("rolls_total", 0) + 1, "integer")
User.setProperty("last_roll", new Date(), "datetime")
var result = dice > botDice ? "You win! +1 coin" : (dice == botDice ? "Draw" : "Bot wins")
if(dice > botDice){ ResLib.userRes("coins").add(1) }
Bot.sendMessage("🎲 You rolled " + dice + ", bot rolled " + botDice + ". " + result + " (energy left: " + Math.floor(energy.value()) + ")")
