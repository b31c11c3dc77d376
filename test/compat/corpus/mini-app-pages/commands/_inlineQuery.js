/*CMD
  command: /inlineQuery
  help: 
  need_reply: false
  auto_retry_time: 
  folder: 
  answer: 
  keyboard: 
  aliases: 
  group: 
CMD*/

let pts = user ? User.getProperty("points", 0) : 0
Api.answerInlineQuery({ inline_query_id: request.id, cache_time: 0, results: [{ type: "article", id: "pts", title: "My points: " + pts, input_message_content: { message_text: "I have " + pts + " points" } }] })
