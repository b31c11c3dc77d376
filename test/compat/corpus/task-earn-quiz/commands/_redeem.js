/*CMD
  command: /redeem
  help: 
  need_reply: true
  auto_retry_time: 
  folder: 
  answer: Send an invite code:
  keyboard: 
  aliases: 
  group: 
CMD*/

var code = String(message || "").trim().toUpperCase()
if(code == User.getProperty("my_code")){ return Bot.sendMessage("🙃 That is your own code") }
if(!/^[0-9A-F]{8}$/.test(code)){ return Bot.sendMessage("❌ Codes look like 1A2B3C4D") }
if(User.getProperty("redeemed")){ return Bot.sendMessage("You already used a code") }
User.setProperty("redeemed", code, "string")
ResLib.userRes("coins").add(1)
Bot.sendMessage("🎁 Code accepted: +1 coin")
