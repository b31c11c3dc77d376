/*CMD
  command: /vip
  help: 
  need_reply: false
  auto_retry_time: 
  folder: 
  answer: 
  keyboard: 
  aliases: 💎 Join VIP
  group: 
CMD*/

if(User.getProperty("vip")){
  return Bot.sendMessage("You are VIP already 💎")
}
// test mode: the payment page calls this link when the payment is done
var url = Libs.Webhooks.getUrlFor({
  command: "/onPayment",
  user_id: user.id,
  content: JSON.stringify({ plan: "vip", amount: 5 })
})
Bot.sendMessage("💳 Pay $5 for VIP here:\n" + url, { disable_web_page_preview: true, parse_mode: null })
