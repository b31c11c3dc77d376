// Random (spec/bjs.md §6.2): random numbers and a random message. Like the store's library,
// it refuses a zero boundary (a known quirk bots rely on failing loudly).

function checkBounds(min, max) {
  if (!min && min !== undefined) throw new Error("Random: min must not be 0 or empty");
  if (!max) throw new Error("Random: max must not be 0 or empty");
  if (typeof min !== "number" || typeof max !== "number" || isNaN(min) || isNaN(max)) throw new Error("Random: min and max must be numbers");
  if (min > max) throw new Error("Random: min must not be greater than max");
}

/** A whole number from min to max, both included. */
function randomInt(min, max) {
  checkBounds(min, max);
  min = Math.ceil(min);
  max = Math.floor(max);
  return Math.floor(Math.random() * (max - min + 1)) + min;
}

/** A number from min (included) to max (excluded). */
function randomFloat(min, max) {
  checkBounds(min, max);
  return Math.random() * (max - min) + min;
}

/** Sends one of the texts, chosen at random. */
function sendMessage(texts) {
  if (!Array.isArray(texts) || texts.length === 0) throw new Error("Random.sendMessage needs an array of texts");
  Bot.sendMessage(texts[Math.floor(Math.random() * texts.length)]);
}

publish({
  randomInt: randomInt,
  randomFloat: randomFloat,
  sendMessage: sendMessage,
});
