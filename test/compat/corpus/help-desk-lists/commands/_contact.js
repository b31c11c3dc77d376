/*CMD
  command: /contact
  help: 
  need_reply: false
  auto_retry_time: 
  folder: 
  answer: 
  keyboard: 
  aliases: 
  group: 
CMD*/

Api.sendMessage({ text: "Share your phone so an agent can call you:", reply_markup: { keyboard: [[{ text: "📞 Share phone", request_contact: true }]], resize_keyboard: true, one_time_keyboard: true } })
