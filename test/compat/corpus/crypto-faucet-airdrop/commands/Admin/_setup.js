/*CMD
  command: /setup
  help: 
  need_reply: false
  auto_retry_time: 
  folder: Admin

  answer: 
  keyboard: 
  aliases: 
  group: 
CMD*/

if(ADMIN && ADMIN != user.telegramid){ return Bot.sendMessage("⛔ Admins only") }
Bot.setProperty("admin_id", user.telegramid, "integer")
AdminPanel.setPanel({
  panel_name: "FaucetSettings",
  data: {
    title: "Faucet settings",
    description: "bonus, referral reward, minimum withdraw",
    icon: "cash",
    on_saving: { command: "/onSettingsSaved", user_id: user.id },
    fields: [
      { name: "bonus", title: "Daily bonus", type: "integer", value: 1 },
      { name: "ref_bonus", title: "Referral reward", type: "integer", value: 2 },
      { name: "min_withdraw", title: "Minimum withdraw", type: "integer", value: 10 }
    ]
  }
})
Bot.sendMessage("🛠 Faucet is set up. Change the settings in the admin panel.")
