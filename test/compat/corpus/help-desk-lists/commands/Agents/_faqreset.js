/*CMD
  command: /faqreset
  help: 
  need_reply: false
  auto_retry_time: 
  folder: Agents
  answer: 
  keyboard: 
  aliases: 
  group: 
CMD*/

if (!isAgent) return
Bot.clearCache("/faq")
Bot.sendMessage("FAQ cache cleared.")
