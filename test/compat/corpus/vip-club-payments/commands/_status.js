/*CMD
  command: /status
  help: 
  need_reply: false
  auto_retry_time: 
  folder: 
  answer: 
  keyboard: 
  aliases: 
  group: 
CMD*/

var MCL = Libs.MembershipChecker
var chats = MCL.getChats()
if(!chats){ return Bot.sendMessage("No channels to join yet") }
Bot.sendMessage("Member of all: " + (MCL.isMember() ? "yes" : "no") + "\nNot joined: " + (MCL.getNotJoinedChats() || "none"))
