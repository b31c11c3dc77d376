/*CMD
  command: /help
  help: What I can do
  need_reply: false
  auto_retry_time: 
  folder: 

  <<ANSWER
I understand these commands:
/start - the main menu
/about - who made me
/contact - how to reach a human
/help - this list
  ANSWER
  keyboard: 
  aliases: ❓ help, help
  group: 
CMD*/

