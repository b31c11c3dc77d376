/*CMD
  command: /menu
  help: 
  need_reply: false
  auto_retry_time: 
  folder: 

  answer: 
  keyboard: 
  aliases: 🔙 back, menu
  group: 
CMD*/

Bot.sendKeyboard("💰 Balance, 🎁 Bonus\n📤 Withdraw, 👥 Referral\n👛 Wallet, 📊 Stats", "*Welcome to the " + COIN + " Faucet, " + user.first_name + "!*\nClaim a free bonus every day.", { parse_mode: "Markdown" })
