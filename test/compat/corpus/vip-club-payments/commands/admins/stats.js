/*CMD
  command: /stats
  help: 
  need_reply: false
  auto_retry_time: 
  folder: admins
  answer: 
  keyboard: 
  aliases: 
  group: 
CMD*/

var admins = AdminPanel.getFieldValue({ panel_name: "Guard", field_name: "ADMINS" })
Bot.sendMessage("📊 Stats\nAdmins: " + admins + "\nChannels: " + (Libs.MembershipChecker.getChats() || "-") + "\nYou are admin: " + Libs.Guard.isAdmin(user.id))
