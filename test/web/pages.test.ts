import { mkdirSync, readdirSync, readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import type { Browser, Page } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { ARTIFACTS_DIR, launchChromium, layoutProblems, screenshot } from "../support/browser.js";
import { apiClient } from "../support/bots.js";
import { PASSWORD, signUp } from "../support/accounts.js";
import { usePlatform } from "../support/platform.js";
import { seedBot } from "../bots/seed.js";

/** 300 KB: what a first visit may transfer, all requests together (issue 15). */
const FIRST_LOAD_BUDGET = 300 * 1024;

describe("the dashboard's pages in Chromium", () => {
  const t = usePlatform("sqlite");
  let browser: Browser;
  let origin = "";
  let owner: Awaited<ReturnType<typeof signUp>>;
  let botId = 0;
  let commandId = 0;
  let broadcastId = 0;

  beforeAll(async () => {
    origin = await t.app.listen({ port: 0, host: "127.0.0.1" });
    owner = await signUp(t.app);
    const api = apiClient(t.app, owner.apiKey);
    const seeded = await seedBot(t.platform, api, owner.id, "Seeded shop with a rather long name");
    botId = seeded.bot.id;
    commandId = seeded.command.id;
    await api.post(`/v2/bots/${botId}/commands`, { command: "/buy", answer: "Which one?", bjs_code: "Bot.sendMessage('ok')\nUser.setProperty('cart', 1, 'integer')" });
    await api.post(`/v2/bots/${botId}/playground`);
    await t.platform.adminPanels.store.setPanel(botId, "shop", {
      title: "Shop settings",
      description: "What the bot says and charges",
      fields: [
        { name: "welcome", title: "Welcome text", type: "text", value: "Hello!" },
        { name: "price", title: "Price", type: "float", value: 9.5 },
        { name: "open", title: "Open for orders", type: "checkbox", value: true },
        { name: "secret", title: "Payment key", type: "password", value: "sk_live" },
      ],
    });
    broadcastId = await seedBroadcast();
    browser = await launchChromium();
  }, 60_000);
  afterAll(async () => {
    await browser?.close();
  });

  /** A running bot's broadcast a quarter done, as the worker would leave it (no job runs here). */
  async function seedBroadcast(): Promise<number> {
    await t.platform.bots.store.setStatus(botId, { status: "works" });
    const task = await t.platform.broadcasts.store.create(botId, { command: "/news", for_chats: "private-chats", options: null });
    const now = t.clock.now();
    await t.platform.database.db
      .updateTable("broadcasts")
      .set({ status: "in progress", total: 5000, processed: 1200, delivered: 1190, failed: 4, blocked: 6, started_at: new Date(now - 60_000).toISOString(), active_since: new Date(now - 60_000).toISOString() })
      .where("id", "=", task.id)
      .execute();
    return task.id;
  }

  /** A page signed in as the owner (the session the sign-in page would store). */
  async function signedIn(width: number): Promise<Page> {
    const context = await browser.newContext({ viewport: { width, height: 860 }, baseURL: origin });
    await context.addInitScript((session) => localStorage.setItem("botyard.session", session), JSON.stringify(owner.headers));
    return context.newPage();
  }

  const pages = () => [
    { name: "bots", path: "/", ready: "Your bots" },
    { name: "commands", path: `/bots/${botId}`, ready: "Commands" },
    { name: "command-editor", path: `/bots/${botId}/commands/${commandId}`, ready: "Command /start" },
    { name: "playground", path: `/bots/${botId}/playground`, ready: "Errors" },
    { name: "errors", path: `/bots/${botId}/errors`, ready: "Error log" },
    { name: "chats", path: `/bots/${botId}/chats`, ready: "Chats" },
    { name: "broadcasts", path: `/bots/${botId}/broadcasts`, ready: "Broadcasts" },
    { name: "properties", path: `/bots/${botId}/properties`, ready: "Properties" },
    { name: "admin-panels", path: `/bots/${botId}/admin-panels`, ready: "Shop settings" },
    { name: "libraries", path: `/bots/${botId}/libs`, ready: "Libraries" },
    { name: "settings", path: `/bots/${botId}/settings`, ready: "Settings" },
    { name: "store", path: "/store", ready: "Demo bots" },
    { name: "usage", path: "/usage", ready: "Iteration usage" },
    { name: "account", path: "/account", ready: "Account" },
  ];

  for (const width of [1280, 390]) {
    it(`lays out every page at ${width} px without overflow, cut-off text or overlaps (screenshots saved)`, async () => {
      const page = await signedIn(width);
      const found: string[] = [];
      for (const { name, path, ready } of pages()) {
        await page.goto(path);
        await page.getByRole("heading", { name: ready, exact: true }).first().waitFor();
        if (name === "command-editor") await page.locator(".cm-editor").waitFor();
        await screenshot(page, `${name}-${width}`);
        for (const problem of await layoutProblems(page)) found.push(`${name}: ${problem.kind}: ${problem.what}`);
      }
      await page.context().close();
      const signedOut = await browser.newPage({ viewport: { width, height: 860 }, baseURL: origin });
      await signedOut.goto("/sign-in");
      await signedOut.getByRole("heading", { name: "Sign in" }).waitFor();
      await screenshot(signedOut, `sign-in-${width}`);
      for (const problem of await layoutProblems(signedOut)) found.push(`sign-in: ${problem.kind}: ${problem.what}`);
      await signedOut.close();
      expect(found).toEqual([]);
    }, 90_000);
  }

  it("is usable with the keyboard alone: sign in, open a bot, its error log, a command at the error's line", async () => {
    const page = await browser.newPage({ viewport: { width: 1280, height: 860 }, baseURL: origin });
    await page.goto("/sign-in");
    const tabTo = async (matches: (element: { tag: string; label: string }) => boolean) => {
      for (let presses = 0; presses < 40; presses++) {
        await page.keyboard.press("Tab");
        const focused = await page.evaluate(() => {
          const element = document.activeElement as HTMLElement;
          const label = element.id ? document.querySelector(`label[for="${element.id}"]`)?.textContent ?? "" : "";
          return { tag: element.tagName.toLowerCase(), label: label || element.textContent?.trim() || "", outline: getComputedStyle(element).outlineStyle };
        });
        if (matches(focused)) {
          expect(focused.outline).not.toBe("none"); // the focus is visible
          return;
        }
      }
      throw new Error("never reached the element with Tab");
    };
    await tabTo((element) => element.label === "Email");
    await page.keyboard.type(owner.email);
    await page.keyboard.press("Tab");
    await page.keyboard.type(PASSWORD);
    await page.keyboard.press("Enter");
    await page.getByRole("heading", { name: "Your bots" }).waitFor();
    await tabTo((element) => element.tag === "a" && element.label.startsWith("Seeded shop"));
    await page.keyboard.press("Enter");
    await page.waitForURL(new RegExp(`/bots/${botId}$`));
    await tabTo((element) => element.tag === "a" && element.label === "Errors");
    await page.keyboard.press("Enter");
    await page.getByRole("heading", { name: "Error log" }).waitFor();
    await tabTo((element) => element.tag === "a" && element.label.startsWith("/start"));
    await page.keyboard.press("Enter");
    await page.waitForURL(new RegExp(`/bots/${botId}/commands/${commandId}`));
    await page.getByRole("heading", { name: "Command /start" }).waitFor();
    await page.close();
  });

  it("installs a demo bot from the store under the name asked for, and opens it in the playground", async () => {
    const page = await signedIn(390);
    await page.goto("/store");
    const demo = page.getByRole("list", { name: "Demo bots" }).getByRole("listitem").filter({ hasText: "Quiz" });
    await demo.getByRole("button", { name: "Install Quiz" }).click();
    const form = demo.getByRole("form", { name: "Install Quiz" });
    await expect(form.getByLabel("Name").inputValue()).resolves.toBe("Quiz");
    await screenshot(page, "store-install-390");
    expect(await layoutProblems(page)).toEqual([]);
    await form.getByLabel("Name").fill("Friday quiz");
    await form.getByRole("button", { name: "Install the bot" }).click();
    await page.waitForURL(/\/bots\/\d+$/);
    const id = Number(new URL(page.url()).pathname.split("/").pop());
    await page.getByRole("heading", { name: "Commands" }).first().waitFor();
    const api = apiClient(t.app, owner.apiKey);
    const bot = (await api.get(`/v2/bots/${id}`)).json();
    expect(bot).toMatchObject({ name: "Friday quiz", store_bot_id: 4, token: t.platform.playground.tokenFor(id) });
    expect(bot.commands_count).toBeGreaterThan(0);
    await page.context().close();
  });

  it("shows a broadcast's progress, pauses, resumes and deletes it, and sends a text to every private chat", async () => {
    const page = await signedIn(1280);
    page.on("dialog", (dialog) => void dialog.accept());
    const api = apiClient(t.app, owner.apiKey);
    const statusOf = async (id: number) => ((await api.get(`/v2/bots/${botId}/broadcasts`)).json() as { id: number; status: string }[]).find((task) => task.id === id)?.status;
    await page.goto(`/bots/${botId}/broadcasts`);
    const task = page.getByRole("list", { name: "Broadcasts" }).getByRole("listitem", { name: `Broadcast ${broadcastId}` });
    await task.getByText("1200 of 5000 · 1190 delivered · 4 failed · 6 blocked · 3800 pending · 20/s").waitFor();
    await task.getByRole("button", { name: "Pause" }).click();
    await task.getByText("paused", { exact: true }).waitFor();
    expect(await statusOf(broadcastId)).toBe("paused");
    await task.getByRole("button", { name: "Resume" }).click();
    await task.getByText("in progress", { exact: true }).waitFor();
    expect(await statusOf(broadcastId)).toBe("in progress");
    await task.getByRole("button", { name: `Delete broadcast ${broadcastId}` }).click();
    await task.waitFor({ state: "detached" });
    expect(await statusOf(broadcastId)).toBeUndefined();

    const form = page.getByRole("form", { name: "Send a text to every chat" });
    await form.getByLabel("Text").fill("Hello, all of you");
    await form.getByLabel("Recipients").selectOption("private-chats");
    await form.getByRole("button", { name: "Send to every chat" }).click();
    await page.getByRole("list", { name: "Broadcasts" }).getByText("“Hello, all of you”").waitFor();
    expect((await api.get(`/v2/bots/${botId}/broadcasts`)).json()[0]).toMatchObject({ text: "Hello, all of you", for_chats: "private-chats", status: "new" });
    await screenshot(page, "broadcasts-sent-1280");
    expect(await layoutProblems(page)).toEqual([]);
    await page.context().close();
  });

  it("resets a forgotten password from the mailed link, then signs in with the new one", async () => {
    const { email } = await signUp(t.app);
    const page = await browser.newPage({ viewport: { width: 390, height: 860 }, baseURL: origin });
    await page.goto("/sign-in");
    await page.getByRole("link", { name: "Forgot your password?" }).click();
    await page.getByLabel("Email").fill(email);
    await page.getByRole("button", { name: "Send the link" }).click();
    await page.getByRole("status").waitFor();
    const outbox = join(t.config.dataDir, "outbox");
    const mail = readdirSync(outbox).map((file) => readFileSync(join(outbox, file), "utf8")).find((text) => text.includes(email))!;
    const link = new URL(/https?:\/\/\S+reset_password_token=[\w-]+/.exec(mail.replace(/=\r?\n/g, ""))![0]);
    await page.goto(link.pathname + link.search);
    await page.getByLabel("New password").fill("another long password");
    await page.getByLabel("Repeat it").fill("another long password");
    await page.getByRole("button", { name: "Set the password" }).click();
    await page.getByRole("status").getByRole("link", { name: "Sign in" }).click();
    await page.getByLabel("Email").fill(email);
    await page.getByLabel("Password").fill("another long password");
    await page.getByRole("button", { name: "Sign in" }).click();
    await page.getByRole("heading", { name: "Your bots" }).waitFor();
    await page.close();
  });

  /**
   * Loads `path` in a fresh browser (empty cache) until `ready` shows, and answers the bytes
   * that crossed the wire for the page and everything it fetched (headers and compressed
   * bodies: the Resource Timing transfer sizes).
   */
  async function firstLoad(path: string, session: boolean, ready: string, readyElement?: string) {
    const context = await browser.newContext({ viewport: { width: 1280, height: 860 }, baseURL: origin });
    if (session) await context.addInitScript((value) => localStorage.setItem("botyard.session", value), JSON.stringify(owner.headers));
    const page = await context.newPage();
    await page.goto(path);
    await page.getByRole("heading", { name: ready, exact: true }).first().waitFor();
    if (readyElement) await page.locator(readyElement).waitFor();
    const entries = await page.evaluate(() =>
      [...performance.getEntriesByType("navigation"), ...performance.getEntriesByType("resource")].map((entry) => ({
        name: entry.name,
        bytes: (entry as PerformanceResourceTiming).transferSize,
      })),
    );
    await context.close();
    return {
      bytes: entries.reduce((sum, entry) => sum + entry.bytes, 0),
      requests: entries.length,
      editorLoaded: entries.some((entry) => entry.name.includes("code-editor")),
    };
  }

  it("transfers under 300 KB on a first visit, and loads CodeMirror only on the command page", async () => {
    const figures = {
      signIn: await firstLoad("/", false, "Sign in"),
      bots: await firstLoad("/", true, "Your bots"),
      playground: await firstLoad(`/bots/${botId}/playground`, true, "Errors"),
      commandEditor: await firstLoad(`/bots/${botId}/commands/${commandId}`, true, "Command /start", ".cm-editor"),
    };
    mkdirSync(ARTIFACTS_DIR, { recursive: true });
    writeFileSync(join(ARTIFACTS_DIR, "first-load.json"), JSON.stringify(figures, null, 2));
    console.log("first-load transfer (bytes, all requests):", Object.fromEntries(Object.entries(figures).map(([page, figure]) => [page, figure.bytes])));
    for (const figure of Object.values(figures)) expect(figure.bytes).toBeLessThan(FIRST_LOAD_BUDGET);
    expect([figures.signIn, figures.bots, figures.playground].map((figure) => figure.editorLoaded)).toEqual([false, false, false]);
    expect(figures.commandEditor.editorLoaded).toBe(true);
  }, 60_000);
});
