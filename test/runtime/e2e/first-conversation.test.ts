import { describe, expect, it } from "vitest";
import { engines } from "../../support/platform.js";
import { useRuntime } from "../../support/runtime.js";

describe.each(engines())("a started bot answers its users on %s", (engine) => {
  const r = useRuntime(engine);

  it("answers /start with its Answer, then runs its BJS", async () => {
    const bot = await r.bot([
      { command: "/start", answer: "Hello, *<name>*!", bjs_code: 'User.setProp("visits", (User.getProp("visits", 0)) + 1, "integer");\nBot.sendMessage("Visit " + User.getProp("visits"));' },
    ]);
    const ada = await r.emulator.client.createUser({ first_name: "Ada" });
    const chat = await ada.privateChat(bot.telegram);
    await ada.start(chat);
    expect(await bot.deliver()).toBe(1);
    const [answer, visit] = await chat.waitForBotMessages({ count: 2 });
    expect(answer!.text).toBe("Hello, !");
    expect(visit!.text).toBe("Visit 1");
    await ada.start(chat);
    await bot.deliver();
    expect((await chat.waitForReply()).text).toBe("Hello, !");
    expect((await chat.waitForReply()).text).toBe("Visit 2");
  });
});
