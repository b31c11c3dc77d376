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

// texts for help/rules/about live here (SmartBot templates)
var sb = new SmartBot()
sb.setupLng("en", {
  commands: {
    "/help": { text: "🆘 VIP Club help for {name}\n\n💎 Join VIP - get the VIP pass ($5)\n💵 /deposit - top up\n💸 /withdraw - cash out\n🔐 My key - your VIP key", aliases: ["help", "❓ help"] },
    "/rules": { text: "📜 Rules:\n1. Be nice\n2. No spam\n3. Price is #/types/price" },
    "/about": { text: "🤖 VIP Club bot v2", run: "/version" }
  },
  types: { price: "$5 / month" },
  titles: {}
})
if(user){
  sb.add({ name: user.first_name })
  sb.handle()
}
