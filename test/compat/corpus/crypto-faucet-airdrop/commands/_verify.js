/*CMD
  command: /verify
  help: 
  need_reply: false
  auto_retry_time: 
  folder: 

  answer: 
  keyboard: 
  aliases: 
  group: 
CMD*/

if(User.getProperty("verified")){ return Bot.sendMessage("You are already verified") }
if(params != "ok"){
  Bot.sendMessage("❌ Wrong answer, try again")
  Bot.runCommand("/captcha")
  return
}
User.setProperty("verified", true, "boolean")
Bot.sendMessage("✅ Verified!")
Bot.runCommand("/menu")
