/*CMD
  command: /setup
  help: 
  need_reply: false
  auto_retry_time: 
  folder: admins
  answer: 
  keyboard: 
  aliases: 
  group: 
CMD*/

Libs.Guard.setup()
Libs.MembershipChecker.setup()
AdminPanel.setFieldValue({ panel_name: "Guard", field_name: "ACCESS_DENIED", value: "/accessDenied" })
Bot.sendMessage("⚙️ Setup done. You are admin now (id " + user.id + ")")
