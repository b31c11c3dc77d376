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

// links from the first version of this bot were t.me/bot?start=tg<telegram id>
if (params && params.indexOf("tg") == 0) {
  var uid = Bot.getProperty("uid_" + params.slice(2))
  params = uid ? "user" + uid : ""
}
if (!User.getProperty("registered")) {
  User.setProperty("registered", true, "boolean")
  Bot.setProperty("users_count", Bot.getProperty("users_count", 0) + 1, "integer")
}
var bonus = Bot.getProperty("ref_bonus", 5)
RefLib.track({
  onAttracted: function(by){
    ResLib.anotherUserRes("coins", by.telegramid).add(bonus)
    Bot.sendMessageToChatWithId(by.telegramid, "🎉 New referral: " + user.first_name + " (+" + bonus + " coins)")
  },
  onAlreadyAttracted: function(){
    Bot.sendMessage("You already joined before, welcome back!")
  },
  onTouchOwnLink: function(){
    Bot.sendMessage("That is your own link 😉 share it with friends")
  }
})
Bot.sendKeyboard("💰 Balance, 👥 Invite\n🏆 Top, 🎁 Bonus\nℹ️ Help", "Hello " + user.first_name + "! Earn coins by inviting friends.")
