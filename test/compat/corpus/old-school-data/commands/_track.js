/*CMD
  command: /track
  help: 
  need_reply: false
  auto_retry_time: 
  folder: 
  answer: 
  keyboard: 
  aliases: 
  group: 
CMD*/

GoogleAnalytics.track("track");
GoogleAnalytics.trackEvent("cmd", "track", data.user.telegramid);
Segment.trackEvent({ event: "track", user: data.user.telegramid });
Segment.identify({ id: data.user.telegramid });
Bot.sendMessage("tracked");
