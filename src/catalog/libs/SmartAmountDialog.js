// SmartAmountDialog (spec/bjs.md §6.2, a core class): checks an amount a user typed.
//   var dialog = new SmartAmountDialog({ min: 1, max: 100, curValue: balance, onlyInteger: true });
//   if (dialog.accept(message) !== true) return Bot.sendMessage(dialog.errMsg);
//   dialog.amount; // the number
// Error texts may be replaced through `dialogErrors` (same keys; {min}, {max}, {curValue}
// are filled). With `smartBot`, accept answers false on an error and the SmartBot gets the
// value `error` for its templates.

var ERRORS = {
  notNumber: "Please send a number",
  notInteger: "Please send a whole number",
  zero: "The amount must not be 0",
  lessMin: "The minimum is {min}",
  moreMax: "The maximum is {max}",
  moreCurValue: "You have only {curValue}",
};

function SmartAmountDialog(options) {
  if (!(this instanceof SmartAmountDialog)) return new SmartAmountDialog(options);
  options = options || {};
  this.min = options.min;
  this.max = options.max;
  this.curValue = options.curValue;
  this.onlyInteger = !!options.onlyInteger;
  this.skipZero = !!options.skipZero;
  this.dialogErrors = options.dialogErrors || {};
  this.smartBot = options.smartBot;
  this.amount = undefined;
  this.errMsg = undefined;
}

SmartAmountDialog.prototype.error = function (key) {
  var self = this;
  var text = String(this.dialogErrors[key] || ERRORS[key]).replace(/\{(min|max|curValue)\}/g, function (whole, name) {
    return self[name] === undefined ? whole : String(self[name]);
  });
  this.errMsg = text;
  if (this.smartBot) {
    this.smartBot.set("error", text);
    return false;
  }
  return text;
};

/** true when the text is an acceptable amount (then in `amount`); else the error text (false with a smartBot). */
SmartAmountDialog.prototype.accept = function (text) {
  this.amount = undefined;
  this.errMsg = undefined;
  var written = String(text === undefined || text === null ? "" : text).trim().replace(",", ".");
  if (!/^[-+]?(\d+\.?\d*|\.\d+)$/.test(written)) return this.error("notNumber");
  var amount = Number(written);
  if (this.onlyInteger && Math.floor(amount) !== amount) return this.error("notInteger");
  if (amount === 0 && !this.skipZero) return this.error("zero");
  if (this.min !== undefined && amount < this.min) return this.error("lessMin");
  if (this.max !== undefined && amount > this.max) return this.error("moreMax");
  if (this.curValue !== undefined && amount > this.curValue) return this.error("moreCurValue");
  this.amount = amount;
  return true;
};

publish(SmartAmountDialog);
