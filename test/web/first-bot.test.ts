import type { Page } from "playwright-core";
import { describe, expect, it } from "vitest";
import { engines } from "../support/platform.js";
import { screenshot, useBrowser } from "../support/browser.js";

/** Writes a command in the editor page: the fields, and the BJS typed into CodeMirror. */
async function writeCommand(page: Page, fields: { command: string; answer?: string; keyboard?: string }, code: string) {
  await page.getByRole("link", { name: "New command" }).click();
  await page.getByLabel("Command", { exact: true }).fill(fields.command);
  if (fields.answer) await page.getByLabel("Answer", { exact: true }).fill(fields.answer);
  if (fields.keyboard) await page.getByLabel("Keyboard", { exact: true }).fill(fields.keyboard);
  const editor = page.getByRole("textbox", { name: "BJS code" });
  await editor.click();
  await page.keyboard.insertText(code);
  await page.getByRole("button", { name: "Save" }).click();
  await page.getByRole("status").getByText("Saved.").waitFor();
}

describe.each(engines())("a newcomer's first bot, in Chromium, on %s", (engine) => {
  const rig = useBrowser(engine);

  it("signs up, creates a bot, writes commands, starts it, talks to it in the playground and reads its error", async () => {
    const page = await rig.page();
    await page.goto("/");
    await page.waitForURL(/\/sign-in/);
    await page.getByRole("link", { name: "Create an account" }).click();
    await page.getByLabel("Email").fill(`newcomer-${engine}@example.com`);
    await page.getByLabel("Password").fill("a long password");
    await page.getByRole("button", { name: "Sign up" }).click();
    await page.getByRole("heading", { name: "Your bots" }).waitFor();

    await page.getByLabel("Name").fill("Shop");
    await page.getByRole("button", { name: "Create the bot" }).click();
    await page.waitForURL(/\/bots\/\d+$/);
    const botPath = new URL(page.url()).pathname;

    // A syntax error is caught before saving, and nothing is saved.
    await page.getByRole("link", { name: "New command" }).click();
    await page.getByLabel("Command", { exact: true }).fill("/broken");
    await page.getByRole("textbox", { name: "BJS code" }).click();
    await page.keyboard.insertText("Bot.sendMessage(");
    await page.getByRole("button", { name: "Save" }).click();
    await expect.poll(() => page.getByRole("alert").textContent()).toMatch(/does not parse/);
    expect(page.url()).toMatch(/\/commands\/new$/);
    await page.goto(botPath);

    await writeCommand(page, { command: "/start", answer: "Welcome to the *shop*!", keyboard: "Catalog, Help" }, "Bot.sendInlineKeyboard([{title: 'Buy', command: '/buy'}], 'Pick one')");
    await page.goto(botPath);
    await writeCommand(page, { command: "/buy" }, "Bot.sendMessage('Bought!')");
    await page.goto(botPath);
    await writeCommand(page, { command: "/boom" }, "var a = 1;\nundefinedFunction(a);");
    await page.goto(botPath);
    await expect.poll(() => page.getByRole("list").last().textContent()).toContain("/boom");

    await page.getByRole("button", { name: "Start the bot" }).click();
    await page.locator(".bot-head .badge", { hasText: "Running" }).waitFor();

    await page.getByRole("link", { name: "Playground", exact: true }).click();
    await page.getByLabel("Message", { exact: true }).fill("/start");
    await page.getByRole("button", { name: "Send" }).click();
    const welcome = page.locator(".bubble.bot", { hasText: "Welcome to the shop!" });
    await welcome.waitFor();
    expect(await welcome.locator("strong").textContent()).toBe("shop");
    const keyboard = page.getByLabel("Keyboard", { exact: true });
    await keyboard.getByRole("button", { name: "Catalog" }).waitFor();
    expect(await keyboard.getByRole("button").allTextContents()).toEqual(["Catalog", "Help"]);
    await page.locator(".bubble.bot", { hasText: "Pick one" }).getByRole("button", { name: "Buy" }).click();
    await page.locator(".bubble.bot", { hasText: "Bought!" }).waitFor();
    await screenshot(page, `playground-${engine}`);

    await page.getByLabel("Message", { exact: true }).fill("/boom");
    await page.getByRole("button", { name: "Send" }).click();
    const logged = page.getByRole("complementary", { name: "Errors as they happen" }).getByRole("link", { name: "/boom, line 2" });
    await logged.waitFor();

    await page.getByRole("link", { name: "Errors", exact: true }).click();
    await page.getByText("undefinedFunction is not defined", { exact: true }).waitFor();
    await page.getByRole("link", { name: "/boom, line 2" }).click();
    await page.waitForURL(/\/commands\/\d+\?line=2$/);
    await page.locator(".cm-content", { hasText: "undefinedFunction(a);" }).waitFor();
    expect(await page.evaluate(() => getSelection()?.toString())).toBe("undefinedFunction(a);");
    await page.context().close();
  }, 90_000);
});
