/*CMD
  command: Help
  help: 
  need_reply: false
  auto_retry_time: 
  folder: 
  answer: Commands: Balance, Bonus, Referral, /withdraw, /setname, /name, /top, /echo
  keyboard: 
  aliases: /help
  group: 
CMD*/

