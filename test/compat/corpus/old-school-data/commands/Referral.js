/*CMD
  command: Referral
  help: 
  need_reply: false
  auto_retry_time: 
  folder: 
  answer: 
  keyboard: 
  aliases: /referral
  group: 
CMD*/

var link = "https://t.me/" + data.bot.name + "?start=" + data.user.telegramid;
Bot.sendMessage("Invite friends with this link and get 5 coins each: " + link, { parse_mode: null, disable_web_page_preview: true });
