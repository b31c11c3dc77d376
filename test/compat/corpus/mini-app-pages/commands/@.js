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

const link = (cmd, opts) => WebApp.getUrl({ command: cmd, options: opts || {} })
const plain = { parse_mode: null, disable_web_page_preview: true }
