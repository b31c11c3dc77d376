/*CMD
  command: /start
  help: Join and get your invite link
  need_reply: false
  auto_retry_time: 
  folder: 
  answer: 
  keyboard: 
  aliases: 
  group: 
CMD*/

if (user.just_created && params && Number(params) !== user.telegramid) {
  var referrer = Number(params);
  User.setProp("referrer", referrer, "integer");
  var theirPoints = Bot.getProp({ name: "points", user_telegramid: referrer, default_value: 0 });
  var theirInvited = Bot.getProp({ name: "invited", user_telegramid: referrer, default_value: 0 });
  Bot.setProp({ name: "points", value: theirPoints + BONUS, user_telegramid: referrer, type: "integer" });
  Bot.setProp({ name: "invited", value: theirInvited + 1, user_telegramid: referrer, type: "integer" });
  var top = Bot.getProp("top", {});
  var entry = top[referrer] || { name: Bot.getProp({ name: "name", user_telegramid: referrer, default_value: "someone" }), count: 0 };
  entry.count += 1;
  top[referrer] = entry;
  Bot.setProp("top", top, "json");
  Bot.sendMessageToChatWithId(referrer, "🎉 " + user.first_name + " joined with your link: +" + BONUS + " points", { parse_mode: null });
}
User.setProp("name", user.first_name, "string");
Bot.sendKeyboard("💰 Balance, 👥 Invite\n🏆 Top", "Welcome! Invite friends and earn " + BONUS + " points for each one who joins.");
