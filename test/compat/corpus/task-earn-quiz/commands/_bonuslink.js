/*CMD
  command: /bonuslink
  help: 
  need_reply: false
  auto_retry_time: 
  folder: 
  answer: 
  keyboard: 
  aliases: 
  group: 
CMD*/

var url = Libs.Webhooks.getUrlFor({ command: "/onBonus", user_id: user.id, content: "3" })
Bot.sendMessage("🎁 Open this link for a bonus: " + url, { parse_mode: null, disable_web_page_preview: true })
