/*CMD
  command: /apiPage
  help: 
  need_reply: false
  auto_retry_time: 
  folder: Pages
  answer: 
  keyboard: 
  aliases: 
  group: 
CMD*/

let uid = Number(options.uid)
let add = parseInt(options.add || "0")
let points = (User.getProperty({ name: "points", user_id: uid }) || 0) + add
if (add) User.setProperty({ name: "points", value: points, type: "integer", user_id: uid })
WebApp.render({ content: { ok: true, points: points } })
