/*CMD
  command: /cooldowns
  help: 
  need_reply: false
  auto_retry_time: 
  folder: 

  answer: 
  keyboard: 
  aliases: 
  group: 
CMD*/

var daily = Libs.CooldownLib.user.getCooldown("daily")
var left = Math.ceil(daily.value())
Bot.sendMessage(left > 0 ? "⏳ Daily bonus in " + Math.ceil(left / 60) + " min" : "🎁 Daily bonus is ready")
