// SmartTasker (spec/bjs.md §6.2, a core class): tasks a user works through one at a time for a
// reward (subscribe, answer a question...), each done or skipped once per user.
//   var tasker = new SmartTasker({ name: "earn", tasks: [{ id: "q1", question: "2+2?", answer: "4", reward: 5 }],
//                                  balance: ResLib.userRes("coins") });
//   tasker.defineWork(); Bot.sendMessage(tasker.prepareTaskQuestion());   // the next task
//   if (tasker.acceptAnswer(message)) Bot.sendMessage("+5 coins");        // done and paid
// A task without `answer` accepts any answer. Progress is the user property SmartTasker_<name>.

function SmartTasker(options) {
  if (!(this instanceof SmartTasker)) return new SmartTasker(options);
  options = options || {};
  if (!options.name) throw new Error("SmartTasker needs a name");
  this.name = String(options.name);
  this.tasks = [];
  this.balance = typeof options.balance === "string" ? ResLib.userRes(options.balance) : options.balance;
  this.smartBot = options.smartBot;
  (options.tasks || []).forEach(this.defineTask, this);
}

SmartTasker.prototype.defineTask = function (task) {
  if (!task || task.id === undefined || task.id === null) throw new Error("SmartTasker: a task needs an id");
  this.tasks.push(task);
  return this;
};

SmartTasker.prototype.progress = function () {
  return User.getProperty("SmartTasker_" + this.name) || { done: [], skipped: [], current: null };
};

SmartTasker.prototype.save = function (progress) {
  User.setProperty("SmartTasker_" + this.name, progress, "json");
};

/** The tasks this user has neither done nor skipped. */
SmartTasker.prototype.getTasksForWork = function () {
  var progress = this.progress();
  return this.tasks.filter(function (task) {
    return progress.done.indexOf(task.id) < 0 && progress.skipped.indexOf(task.id) < 0;
  });
};

/** The task in work: the current one, else the next one for work (null when there is none). */
SmartTasker.prototype.defineWork = function () {
  var progress = this.progress();
  var current = this.tasks.filter(function (task) { return task.id === progress.current; })[0];
  if (current) return current;
  var next = this.getTasksForWork()[0] || null;
  progress.current = next ? next.id : null;
  this.save(progress);
  return next;
};

/** The question of the task in work, with {title} and {reward} filled (through the smartBot when given). */
SmartTasker.prototype.prepareTaskQuestion = function () {
  var task = this.defineWork();
  if (!task) return null;
  var values = { title: task.title || "", reward: task.reward || 0 };
  if (this.smartBot) {
    this.smartBot.add(values);
    return this.smartBot.fill(task.question || task.title || "");
  }
  return String(task.question || task.title || "").replace(/\{(title|reward)\}/g, function (w, key) { return String(values[key]); });
};

/** Whether the answer completes the task in work (case and spaces aside); a right one completes it. */
SmartTasker.prototype.acceptAnswer = function (answer) {
  var task = this.defineWork();
  if (!task) return false;
  var norm = function (text) { return String(text === undefined || text === null ? "" : text).trim().toLowerCase(); };
  if (task.answer !== undefined && norm(task.answer) !== norm(answer)) return false;
  this.completeExecution();
  return true;
};

/** Marks the task in work done and pays its reward. */
SmartTasker.prototype.completeExecution = function () {
  var progress = this.progress();
  var task = this.tasks.filter(function (t) { return t.id === progress.current; })[0];
  if (!task) return false;
  progress.done.push(task.id);
  progress.current = null;
  this.save(progress);
  if (task.reward) this.addBalance(task.reward);
  return true;
};

SmartTasker.prototype.skipTask = function () {
  var progress = this.progress();
  if (progress.current === null || progress.current === undefined) return false;
  progress.skipped.push(progress.current);
  progress.current = null;
  this.save(progress);
  return true;
};

SmartTasker.prototype.addBalance = function (amount) {
  if (!this.balance) throw new Error("SmartTasker: no balance resource given");
  this.balance.add(amount);
};

SmartTasker.prototype.clearUserProgress = function () {
  this.save({ done: [], skipped: [], current: null });
};

publish(SmartTasker);
