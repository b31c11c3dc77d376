/*CMD
  command: /lang
  help: A chosen language
  need_reply: false
  auto_retry_time: 
  folder: 
  answer: 
  keyboard: 
  aliases: 
  group: 
CMD*/

if (!TEXTS[params]) { chooser(); return; }
lang = params;
User.setProp("lang", lang, "string");
Bot.sendMessage(t("chosen") + ". " + t("menu"));
