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

// admins folder is protected by Guard lib
if(!Libs.Guard.verifyAccess()){ return }
// re-check channel membership from time to time
if(user){ Libs.MembershipChecker.handle() }
