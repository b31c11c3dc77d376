/*CMD
  command: /inspect
  help: 
  need_reply: false
  auto_retry_time: 
  folder: 
  answer: 
  keyboard: 
  aliases: 
  group: 
CMD*/

Bot.inspect({ user: data.user.first_name, params: data.params });
