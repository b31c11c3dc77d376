/*CMD
  command: /onSettingsSaved
  help: 
  need_reply: false
  auto_retry_time: 
  folder: Admin
  answer: 
  keyboard: 
  aliases: 
  group: 
CMD*/

if (!options) { return }
var v = options.values
Bot.sendMessage("Settings saved: " + v.shop_name + ", delivery " + v.delivery + v.currency)
