/*CMD
  command: /start
  help: start
  need_reply: false
  auto_retry_time: 
  folder: 
  answer: Hi! This is the help desk. Open a ticket and an agent will answer here.
  keyboard: 📝 New ticket, 📋 My tickets\n❓ FAQ, ⭐ Rate us
  aliases: 
  group: 
CMD*/

