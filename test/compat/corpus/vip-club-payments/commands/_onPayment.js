/*CMD
  command: /onPayment
  help: 
  need_reply: false
  auto_retry_time: 
  folder: 
  answer: 
  keyboard: 
  aliases: 
  group: 
CMD*/

// called by webhook, never by users
if(!options || !options.method){ return Bot.sendMessage("This command is for payment callbacks") }
var pay = {}
try { pay = JSON.parse(content) } catch(e) { throw new Error("bad payment content: " + content) }
User.setProperty("vip", true, "boolean")
ResLib.userRes("usd").add(pay.amount)
var list = User.getProperty("payments") || []
list.push({ what: pay.plan, amount: pay.amount, via: options.method })
User.setProperty("payments", list, "json")
Bot.sendMessage("✅ Payment received: $" + pay.amount + " for " + pay.plan.toUpperCase() + ". Welcome to the club!")
