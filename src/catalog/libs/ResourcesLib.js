// ResourcesLib (core; also `ResLib`), spec/bjs.md §6.2: numeric resources of a user, a chat or
// anything named, with optional growth computed when read. Kept in bot properties named as the
// store's library names them (`ResourcesLib_<user|chat><id>_<name>` and `..._growth`), so a
// bot's own copy of the store library reads the same data. Not atomic, as there.

function now() {
  return Date.now();
}

/** The value after `count` growth steps from `base`. */
function grown(growth, base, count) {
  if (growth.type === "percent") return base + count * (growth.base_value * growth.percent) / 100;
  if (growth.type === "compound_interest") return base * Math.pow(1 + growth.percent / 100, count);
  return base + count * growth.value;
}

function Growth(resource) {
  const propName = resource.propName + "_growth";
  const load = () => Bot.getProperty(propName);
  const save = (growth) => Bot.setProperty(propName, growth, "json");

  /** Growth steps completed since it started (bounded by max_iterations_count). */
  function steps(growth) {
    if (!growth || !growth.enabled) return 0;
    let count = Math.floor((now() - growth.started_at) / 1000 / growth.interval);
    if (growth.max_iterations_count && count > growth.max_iterations_count) count = growth.max_iterations_count;
    return count > 0 ? count : 0;
  }

  function valueOf(base) {
    const growth = load();
    const count = steps(growth);
    if (count === 0) return base;
    let value = grown(growth, base, count);
    // Truthy checks, as in the store's library: `min: 0` is no minimum.
    if (growth.max && value > growth.max) value = growth.max;
    if (growth.min && value < growth.min) value = growth.min;
    return value;
  }

  function start(params, type) {
    if (!params || !params.interval || Number(params.interval) <= 0) throw new Error("ResourcesLib growth needs an interval in seconds");
    const growth = {
      type: type,
      value: Number(params.value || 0),
      percent: Number(params.percent !== undefined ? params.percent : params.value || 0),
      interval: Number(params.interval),
      min: params.min,
      max: params.max,
      max_iterations_count: params.max_iterations_count,
      base_value: resource.value(),
      started_at: now(),
      enabled: true,
    };
    // The value so far becomes the base the growth starts from.
    Bot.setProperty(resource.propName, growth.base_value, "float");
    save(growth);
    return growth;
  }

  return {
    valueOf: valueOf,
    /** Starts again from the current value (what `set` and `add` do). */
    restart() {
      const growth = load();
      if (!growth || !growth.enabled) return;
      growth.started_at = now();
      growth.base_value = resource.baseValue();
      save(growth);
    },
    add: (params) => start(params, "simple"),
    addPercent: (params) => start(params, "percent"),
    addCompoundInterest: (params) => start(params, "compound_interest"),
    info: () => load(),
    title() {
      const growth = load();
      if (!growth) return "";
      const amount = growth.type === "simple" ? growth.value : growth.percent + "%";
      const how = growth.type === "compound_interest" ? " (compound)" : "";
      return "add " + amount + how + " every " + growth.interval + " secs";
    },
    isEnabled() {
      const growth = load();
      return !!(growth && growth.enabled);
    },
    stop() {
      const growth = load();
      if (!growth) return;
      Bot.setProperty(resource.propName, resource.value(), "float");
      growth.enabled = false;
      save(growth);
    },
    resume() {
      const growth = load();
      if (!growth) return;
      growth.enabled = true;
      growth.started_at = now();
      growth.base_value = resource.baseValue();
      save(growth);
    },
    /** How far the current step has come, in percent. */
    progress() {
      const growth = load();
      if (!growth || !growth.enabled) return 0;
      const elapsed = (now() - growth.started_at) / 1000;
      return ((elapsed % growth.interval) / growth.interval) * 100;
    },
    /** Seconds until the next step. */
    willCompletedAfter() {
      const growth = load();
      if (!growth || !growth.enabled) return 0;
      const elapsed = (now() - growth.started_at) / 1000;
      return Math.ceil(growth.interval - (elapsed % growth.interval));
    },
    /** Seconds until the last step, when the growth has a step count. */
    willCompletedAfterAll() {
      const growth = load();
      if (!growth || !growth.enabled || !growth.max_iterations_count) return 0;
      const left = growth.max_iterations_count * growth.interval - (now() - growth.started_at) / 1000;
      return left > 0 ? Math.ceil(left) : 0;
    },
    remove() {
      Bot.setProperty(resource.propName, resource.value(), "float");
      Bot.setProperty(propName, null);
    },
  };
}

function Resource(objName, objId, name) {
  if (name === undefined || name === null || name === "") throw new Error("ResourcesLib: a resource needs a name");
  if (objId === undefined || objId === null) throw new Error("ResourcesLib: " + objName + " is not defined for the resource " + name);
  const resource = { name: String(name), propName: "ResourcesLib_" + objName + objId + "_" + name };
  const growth = Growth(resource);
  const checkAmount = (amount) => {
    const n = Number(amount);
    if (!isFinite(n)) throw new Error("ResourcesLib: the amount must be a number, got " + amount);
    return n;
  };

  resource.baseValue = () => Number(Bot.getProperty(resource.propName, 0)) || 0;
  resource.value = () => growth.valueOf(resource.baseValue());
  resource.set = (amount) => {
    Bot.setProperty(resource.propName, checkAmount(amount), "float");
    growth.restart();
    return resource.value();
  };
  resource.add = (amount) => resource.set(resource.value() + checkAmount(amount));
  resource.have = (amount) => {
    const n = checkAmount(amount);
    return n > 0 && resource.value() >= n;
  };
  resource.removeAnyway = (amount) => resource.set(resource.value() - checkAmount(amount));
  resource.remove = (amount) => {
    if (!resource.have(amount)) throw new Error("ResourcesLib: not enough " + resource.name + " to remove " + amount);
    return resource.removeAnyway(amount);
  };
  resource.transferTo = (other, amount) => {
    resource.remove(amount);
    other.add(amount);
    return true;
  };
  resource.transferToAnyway = (other, amount) => {
    resource.removeAnyway(amount);
    other.add(amount);
    return true;
  };
  resource.takeFromAnother = (other, amount) => {
    other.remove(amount);
    resource.add(amount);
    return true;
  };
  resource.takeFromAnotherAnyway = (other, amount) => {
    other.removeAnyway(amount);
    resource.add(amount);
    return true;
  };
  resource.exchangeTo = (other, amounts) => {
    if (!amounts || amounts.remove_amount === undefined || amounts.add_amount === undefined) throw new Error("ResourcesLib: exchangeTo needs {remove_amount, add_amount}");
    resource.remove(amounts.remove_amount);
    other.add(amounts.add_amount);
    return true;
  };
  resource.resetGrowth = () => growth.remove();
  resource.growth = growth;
  return resource;
}

publish({
  userRes: (name) => Resource("user", user && user.telegramid, name),
  chatRes: (name) => Resource("chat", chat && chat.chatid, name),
  anotherUserRes: (name, telegramId) => Resource("user", telegramId, name),
  anotherChatRes: (name, chatId) => Resource("chat", chatId, name),
});
