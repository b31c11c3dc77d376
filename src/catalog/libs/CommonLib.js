// CommonLib: helpers over a user record (spec/bjs.md §6.2). Core: `CommonLib`,
// `Libs.CommonLib` and `Libs.commonLib` reach it without installing it.

function getNameFor(member) {
  if (!member) return "";
  if (member.username) return "@" + member.username;
  if (member.first_name) return member.first_name;
  if (member.last_name) return member.last_name;
  return "";
}

function getLinkFor(member) {
  if (!member) return "";
  const id = member.telegramid || member.id;
  return "[" + getNameFor(member) + "](tg://user?id=" + id + ")";
}

publish({
  getNameFor: getNameFor,
  getLinkFor: getLinkFor,
});
