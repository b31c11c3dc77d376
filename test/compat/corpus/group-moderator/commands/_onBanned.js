/*CMD
  command: /onBanned
  help: 
  need_reply: false
  auto_retry_time: 
  folder: 

  answer: 
  keyboard: 
  aliases: 
  group: 
CMD*/

var b = options.bb_options
User.setProp("warnings", 0, "integer")
Bot.setProp({ name: "ban_" + b.id, value: { name: b.name, reason: b.reason, at: now() }, type: "json", list: "banned" })
bump("week_bans")
Bot.sendMessage("🔨 " + b.name + " was banned (" + b.reason + ") at " + now())
