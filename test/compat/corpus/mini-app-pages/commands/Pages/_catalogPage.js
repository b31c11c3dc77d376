/*CMD
  command: /catalogPage
  help: 
  need_reply: false
  auto_retry_time: 
  folder: Pages
  answer: 
  keyboard: 
  aliases: 
  group: 
CMD*/

let items = Bot.getProperty("catalog", [{ id: 1, title: "Sticker pack", price: 30 }, { id: 2, title: "Theme", price: 50 }])
WebApp.render({ content: { currency: options.currency, items: items } })
