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

// ref links look like ?start=ref<telegram id>
if(params && params.indexOf("ref") == 0){
  var uid = Bot.getProperty("uid_" + params.slice(3))
  params = uid ? "user" + uid : ""
}
if(!User.getProperty("joined")){
  User.setProperty("joined", true, "boolean")
  Bot.setProperty("total_users", Bot.getProperty("total_users", 0) + 1, "integer")
}
RefLib.track({
  onAttracted: function(by){
    var b = setting("ref_bonus", 2)
    ResLib.anotherUserRes("balance", by.telegramid).add(b)
    Bot.sendMessageToChatWithId(by.telegramid, "🎉 New referral: " + user.first_name + " (+" + b + " " + COIN + ")")
  }
})
if(User.getProperty("verified")){
  return Bot.runCommand("/menu")
}
Bot.runCommand("/captcha")
