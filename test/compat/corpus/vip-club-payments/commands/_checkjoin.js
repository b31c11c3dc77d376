/*CMD
  command: /checkjoin
  help: 
  need_reply: false
  auto_retry_time: 
  folder: 
  answer: 
  keyboard: 
  aliases: ✅ I joined
  group: 
CMD*/

Bot.sendMessage("🔎 Checking your subscription...")
Libs.MembershipChecker.check()
