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

// global stuff for all commands
var COIN = "TRX"
var ADMIN = Bot.getProperty("admin_id")
if(user){
  Bot.setProperty("uid_" + user.telegramid, user.id, "integer")
}
function setting(name, def){
  var v = AdminPanel.getFieldValue({ panel_name: "FaucetSettings", field_name: name })
  if(v === undefined || v === null || v === ""){ return def }
  return v
}
