/*CMD
  command: /invite
  help: Your invite link
  need_reply: false
  auto_retry_time: 
  folder: 
  answer: 
  keyboard: 
  aliases: 👥 invite, invite
  group: 
CMD*/

Bot.sendMessage("Share this link: https://t.me/" + bot.name + "?start=" + user.telegramid, { parse_mode: null });
