/*CMD
  command: /language
  help: Change the language
  need_reply: false
  auto_retry_time: 
  folder: 
  answer: 
  keyboard: 
  aliases: language, sprache, idioma
  group: 
CMD*/

chooser();
