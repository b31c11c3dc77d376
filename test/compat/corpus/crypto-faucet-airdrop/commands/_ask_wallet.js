/*CMD
  command: /ask_wallet
  help: 
  need_reply: true
  auto_retry_time: 
  folder: 

  answer: 👛 Send your TRX wallet address:
  keyboard: 
  aliases: 
  group: 
CMD*/

var addr = message.trim()
if(addr == "🔙 Back"){ return Bot.runCommand("/menu") }
if(!/^T[A-Za-z0-9]{33}$/.test(addr)){
  Bot.sendMessage("❌ Invalid address. It starts with T and has 34 characters.")
  Bot.runCommand("/ask_wallet")
  return
}
User.setProperty("wallet", addr, "string")
Bot.sendMessage("👛 Wallet saved: `" + addr + "`", { parse_mode: "Markdown" })
if(ResLib.userRes("balance").value() >= setting("min_withdraw", 10)){
  Bot.runCommand("/ask_amount")
}
