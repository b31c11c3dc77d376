/*CMD
  command: @@
  help: 
  need_reply: false
  auto_retry_time: 
  folder: 
  answer: 
  keyboard: 
  aliases: 
  group: 
CMD*/

var smartBot = new SmartBot()
smartBot.setupLng("en", {
  commands: {
    "/help": { text: "❓ Earn coins by solving tasks, {name}!\n📝 Tasks - next task\n💰 Wallet - your coins\n🌐 Language - change language", aliases: ["help", "❓ help"] },
    "/rules": { text: "📜 One answer per task. Skipped tasks are gone. Minimum withdrawal: #/types/minimum coins" },
    "/about": { text: "Quiz & Earn bot 🤖", run: "/ping" }
  },
  types: { minimum: "10" }
})
smartBot.setupLng("es", {
  commands: {
    "/help": { text: "❓ ¡Gana monedas resolviendo tareas, {name}!", aliases: ["ayuda"] },
    "/rules": { text: "📜 Una respuesta por tarea. Retiro mínimo: #/types/minimum monedas" }
  },
  types: { minimum: "10" }
})
if(user){
  smartBot.add({ name: user.first_name })
  smartBot.handle()
}
