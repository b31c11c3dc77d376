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

// dictionaries are stored once; /reload stores them again after an edit
if(!Bot.getProperty("lang_ready")){
  Libs.Lang.setup("en", {
  "welcome": "👋 Welcome, {name}! I speak English, Deutsch and Español.",
  "keyboard": "💰 Balance, 🌍 Language\nℹ️ Help, ✉️ Feedback",
  "menu_title": "Main menu",
  "balance": "Your balance: {n} coins",
  "help": "I can show your /balance, change the /language and take your /feedback.",
  "lang_changed": "Language changed to English 🇬🇧",
  "choose": "Choose your language:",
  "unknown": "Unknown command, try /help",
  "feedback_ask": "Write your feedback, please:",
  "feedback_thanks": "Thank you for your feedback!",
  "about": "About this bot: a small shop that speaks three languages.",
  "price": "Price: {p} coins",
  "hello": "Hello {name}!",
  "news": {
    "today": "No news today."
  },
  "months": [
    "January",
    "February",
    "March",
    "April",
    "May",
    "June",
    "July",
    "August",
    "September",
    "October",
    "November",
    "December"
  ],
  "today": "Today is",
  "aliases": {
    "💰 Balance": "/balance",
    "ℹ️ Help": "/help",
    "✉️ Feedback": "/feedback",
    "🌍 Language": "/language"
  }
})
  Libs.Lang.setup("de", {
  "welcome": "👋 Willkommen, {name}! Ich spreche Englisch, Deutsch und Spanisch.",
  "keyboard": "💰 Kontostand, 🌍 Sprache\nℹ️ Hilfe, ✉️ Feedback geben",
  "menu_title": "Hauptmenü",
  "balance": "Dein Kontostand: {n} Münzen",
  "help": "Ich zeige deinen /balance, wechsle die /language und nehme dein /feedback an.",
  "lang_changed": "Sprache geändert: Deutsch 🇩🇪",
  "choose": "Wähle deine Sprache:",
  "unknown": "Unbekannter Befehl, versuche /help",
  "feedback_ask": "Schreib uns dein Feedback:",
  "feedback_thanks": "Danke für dein Feedback!",
  "about": "Über diesen Bot: ein kleiner Laden, der drei Sprachen spricht.",
  "price": "Preis: {p} Münzen",
  "hello": "Hallo {name}!",
  "news": {
    "today": "Heute keine Neuigkeiten."
  },
  "months": [
    "Januar",
    "Februar",
    "März",
    "April",
    "Mai",
    "Juni",
    "Juli",
    "August",
    "September",
    "Oktober",
    "November",
    "Dezember"
  ],
  "today": "Heute ist",
  "aliases": {
    "💰 Kontostand, kontostand": "/balance",
    "ℹ️ Hilfe": "/help",
    "✉️ Feedback geben": "/feedback",
    "🌍 Sprache": "/language"
  }
})
  Libs.Lang.setup("es", {
  "welcome": "👋 ¡Bienvenido, {name}! Hablo inglés, alemán y español.",
  "keyboard": "💰 Saldo, 🌍 Idioma\nℹ️ Ayuda, ✉️ Opinión",
  "menu_title": "Menú principal",
  "balance": "Tu saldo: {n} monedas",
  "help": "Puedo mostrar tu /balance, cambiar el /language y recibir tu /feedback.",
  "lang_changed": "Idioma cambiado: Español 🇪🇸",
  "choose": "Elige tu idioma:",
  "unknown": "",
  "feedback_ask": "Escribe tu opinión:",
  "feedback_thanks": "¡Gracias por tu opinión!",
  "price": "Precio: {p} monedas",
  "hello": "¡Hola {name}!",
  "news": {
    "today": ""
  },
  "months": [
    "enero",
    "febrero",
    "marzo",
    "abril",
    "mayo",
    "junio",
    "julio",
    "agosto",
    "septiembre",
    "octubre",
    "noviembre",
    "diciembre"
  ],
  "today": "Hoy es",
  "aliases": {
    "💰 Saldo": "/balance",
    "ℹ️ Ayuda": "/help",
    "✉️ Opinión": "/feedback",
    "🌍 Idioma": "/language"
  }
})
  Bot.setProperty("lang_ready", true, "boolean")
}
function tr(key, values){
  var text = Libs.Lang.t(key)
  for(var k in (values || {})){ text = text.replace("{" + k + "}", values[k]) }
  return text
}
function menu(text){
  Bot.sendKeyboard(tr("keyboard"), text || tr("menu_title"))
}
