/*CMD
  command: /about
  help: Who made me
  need_reply: false
  auto_retry_time: 
  folder: 
  answer: I was installed from the Botyard store. Edit my commands to make me yours.
  keyboard: 
  aliases: ℹ️ about, about
  group: 
CMD*/

