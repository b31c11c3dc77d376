/*CMD
  command: @
  help: 
  need_reply: false
  auto_retry_time: 
  folder: 
  answer: 
  keyboard: 
  aliases: 
  group: 
CMD*/

var TEXTS = {
  en: { choose: "Choose your language", chosen: "Language set: English", hello: "Hello", menu: "Send hello, or /language to change the language." },
  de: { choose: "Wähle deine Sprache", chosen: "Sprache: Deutsch", hello: "Hallo", menu: "Sende hallo, oder /language um die Sprache zu ändern." },
  es: { choose: "Elige tu idioma", chosen: "Idioma: Español", hello: "Hola", menu: "Envía hola, o /language para cambiar el idioma." }
};
var lang = User.getProp("lang", null);
function t(key) { return (TEXTS[lang] || TEXTS.en)[key]; }
function chooser() {
  Bot.sendInlineKeyboard([[{ title: "English", command: "/lang en" }, { title: "Deutsch", command: "/lang de" }, { title: "Español", command: "/lang es" }]], t("choose"));
}
