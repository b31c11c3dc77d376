/*CMD
  command: @
  help: 
  need_reply: false
  auto_retry_time: 
  folder: 

  answer: 
  keyboard: 
  aliases: 
  group: 
CMD*/

if(user && !User.getProperty("joined_at")){
  User.setProperty("joined_at", new Date(), "datetime")
}
