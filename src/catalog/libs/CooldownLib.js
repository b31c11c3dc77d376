// CooldownLib (spec/bjs.md §6.2): waits between uses of something, per user, per chat or for
// the whole bot. A cooldown is a ResourcesLib resource counting its seconds down (a growth of
// -1 a second), so it needs no timer.

function resourceOf(scope, name) {
  const resLib = Libs.ResourcesLib;
  const propName = "CooldownLib_" + name;
  if (scope === "user") return resLib.userRes(propName);
  if (scope === "chat") return resLib.chatRes(propName);
  return resLib.anotherChatRes(propName, "global");
}

function start(cooldown, time) {
  cooldown.set(time);
  cooldown.growth.add({ value: -1, interval: 1, max_iterations_count: time });
}

/**
 * The first call starts the cooldown (onStarting); while it runs, onWaiting(seconds left);
 * once over, onEnding, and a truthy answer from it starts the cooldown again.
 */
function watch(scope, params) {
  if (!params || !params.name || !params.time) throw new Error("CooldownLib.watch needs {name, time}");
  const cooldown = resourceOf(scope, params.name);
  const call = (fn, arg) => (typeof fn === "function" ? fn(arg) : undefined);
  if (!cooldown.growth.info()) {
    start(cooldown, Number(params.time));
    return call(params.onStarting);
  }
  const left = cooldown.value();
  if (left > 0) return call(params.onWaiting, left);
  const restart = call(params.onEnding);
  if (restart) start(cooldown, Number(params.time));
  return restart;
}

publish({
  user: { watch: (params) => watch("user", params), getCooldown: (name) => resourceOf("user", name) },
  chat: { watch: (params) => watch("chat", params), getCooldown: (name) => resourceOf("chat", name) },
  watch: (params) => watch("global", params),
  getCooldown: (name) => resourceOf("user", name),
});
