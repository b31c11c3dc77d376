/*CMD
  command: /counter
  help: 
  need_reply: false
  auto_retry_time: 
  folder: 
  answer: 
  keyboard: 
  aliases: 
  group: 
CMD*/

counter = (Bot.getProperty("counter") || 0) + 1;
Bot.setProperty("counter", counter, "integer");
Bot.sendMessage("Counter: " + counter);
