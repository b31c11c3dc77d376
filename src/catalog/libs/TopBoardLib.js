// TopBoardLib (core), spec/bjs.md §6.2: leaderboards of user scores. A user's score is a user
// property (`getUserPropName`); the board keeps the best `maxCount` users in a bot property.

const DEFAULT_BOARD = "default";

const userPropName = (boardName) => "TopBoardLib_score_" + (boardName || DEFAULT_BOARD);
const boardPropName = (boardName) => "TopBoardLib_board_" + (boardName || DEFAULT_BOARD);

function getBoard(boardName) {
  return Bot.getProperty(boardPropName(boardName), { entries: [] }).entries || [];
}

/** Adds `value` to the user's score (the current user unless `user` is given) and updates the board. */
function addScore(params) {
  if (!params || typeof params.value !== "number" || !isFinite(params.value)) throw new Error("TopBoardLib.addScore needs a numeric value");
  const boardName = params.boardName || DEFAULT_BOARD;
  let maxCount = Number(params.maxCount || 10);
  if (maxCount < 2) maxCount = 2;
  if (maxCount > 25) maxCount = 25;
  const member = params.user || user;
  if (!member) throw new Error("TopBoardLib.addScore: user is not defined");
  const score = Number(User.getProperty({ name: userPropName(boardName), user_id: member.id }) || 0) + params.value;
  User.setProperty({ name: userPropName(boardName), value: score, type: "float", user_id: member.id });
  const entry = Object.assign({}, params.fields || {}, {
    id: member.id,
    tgId: member.telegramid,
    first_name: member.first_name,
    last_name: member.last_name,
    username: member.username,
    language_code: member.language_code,
    value: score,
  });
  const entries = getBoard(boardName).filter((other) => other.id !== member.id);
  entries.push(entry);
  entries.sort((a, b) => b.value - a.value);
  Bot.setProperty(boardPropName(boardName), { entries: entries.slice(0, maxCount) }, "json");
  return score;
}

publish({
  addScore: addScore,
  getBoard: getBoard,
  /** Clears the board; the users' score properties stay (as in the store's library). */
  resetBoard: (boardName) => Bot.setProperty(boardPropName(boardName), null),
  getUserPropName: userPropName,
});
