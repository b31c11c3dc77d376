/*CMD
  command: /ask_amount
  help: 
  need_reply: true
  auto_retry_time: 
  folder: 

  answer: 💵 How much do you want to withdraw?
  keyboard: 
  aliases: 
  group: 
CMD*/

var min = setting("min_withdraw", 10)
var bal = ResLib.userRes("balance")
var amount = parseFloat(message)
if(isNaN(amount) || amount < min || amount > bal.value()){
  Bot.sendMessage("❌ Amount must be between " + min + " and " + bal.value())
  Bot.runCommand("/ask_amount")
  return
}
bal.remove(amount)
var n = Bot.getProperty("wd_count", 0) + 1
Bot.setProperty("wd_count", n, "integer")
Bot.setProperty("wd_" + n, { tgid: user.telegramid, amount: amount, wallet: User.getProperty("wallet"), status: "pending" }, "json")
var hist = User.getProperty("history", [])
hist.push(n)
User.setProperty("history", hist, "json")
Bot.sendMessage("✅ Withdrawal #" + n + " of " + amount + " " + COIN + " created")
var channel = Bot.getProperty("payout_channel")
if(!channel){ return }
Api.sendMessage({
  chat_id: channel,
  text: "💸 *New withdrawal #" + n + "*\nUser: " + user.first_name + " (" + user.telegramid + ")\nAmount: " + amount + " " + COIN + "\nWallet: `" + User.getProperty("wallet") + "`",
  parse_mode: "Markdown",
  reply_markup: { inline_keyboard: [[{ text: "✅ Approve", callback_data: "/approve " + n }, { text: "❌ Reject", callback_data: "/reject " + n }]] },
  on_result: "/onPosted",
  on_error: "/onPostError",
  bb_options: { n: n }
})
