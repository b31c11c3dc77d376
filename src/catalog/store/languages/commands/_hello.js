/*CMD
  command: /hello
  help: A greeting in your language
  need_reply: false
  auto_retry_time: 
  folder: 
  answer: 
  keyboard: 
  aliases: hello, hallo, hola
  group: 
CMD*/

Bot.sendMessage(t("hello") + ", " + user.first_name + "!", { parse_mode: null });
