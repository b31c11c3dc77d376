/*CMD
  command: /rate
  help: 
  need_reply: true
  auto_retry_time: 
  folder: 
  answer: Rate us from 1 to 5:
  keyboard: 
  aliases: ⭐ rate us
  group: 
CMD*/

let n = parseInt(message)
if (!(n >= 1 && n <= 5)) {
  Bot.sendMessage("Please send a number from 1 to 5.")
  Bot.runCommand("/rate")
  return
}
User.setProperty({ name: "rating", value: n, type: "integer", list: "ratings" })
Bot.sendMessage("Thanks for rating " + n + "!")
