/*CMD
  command: /setup
  help: become the admin
  need_reply: false
  auto_retry_time: 
  folder: Admin
  answer: 
  keyboard: 
  aliases: 
  group: 
CMD*/

if (Bot.getProperty("admin_id") && !isAdmin) {
  Bot.sendMessage("The shop already has an admin.")
  return
}
Bot.setProperty("admin_id", user.telegramid, "integer")
AdminPanel.setPanel({
  panel_name: "ShopSettings",
  data: {
    title: "Shop settings",
    description: "Name, currency and delivery of the shop",
    icon: "cafe",
    on_saving: { command: "/onSettingsSaved", user_id: user.id },
    fields: [
      { name: "shop_name", title: "Shop name", type: "string", value: "Coffee Corner" },
      { name: "currency", title: "Currency sign", type: "string", value: "$" },
      { name: "delivery", title: "Delivery price", type: "integer", value: 2 },
      { name: "open", title: "Shop is open", type: "checkbox", value: true },
      { name: "admin_note", title: "Note for the admin", type: "text", value: "" }
    ]
  }
})
Bot.sendMessage("Shop is set up. Edit the settings in the admin panel.")
