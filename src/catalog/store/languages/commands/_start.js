/*CMD
  command: /start
  help: Start
  need_reply: false
  auto_retry_time: 
  folder: 
  answer: 
  keyboard: 
  aliases: 
  group: 
CMD*/

if (!lang) { chooser(); return; }
Bot.sendMessage(t("menu"));
