/*CMD
  command: /profilePage
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
WebApp.render({ content: { user_id: uid, points: User.getProperty({ name: "points", user_id: uid }) || 0, level: User.getProperty({ name: "level", user_id: uid }) || "newbie" } })
