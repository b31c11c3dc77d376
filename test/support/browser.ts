import { mkdirSync, mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";
import pg from "pg";
import { chromium, type Browser, type Page } from "playwright-core";
import { afterAll, beforeAll, inject } from "vitest";
import type { EngineName } from "./platform.js";
import { freePort, ServeProcess } from "./serve-process.js";

/** Where browser tests leave screenshots and figures (git-ignored). */
export const ARTIFACTS_DIR = resolve(import.meta.dirname, "../../test-artifacts");

/** Debian's chromium (`.ci/run` installs it), run headless by playwright-core. */
export async function launchChromium(): Promise<Browser> {
  return chromium.launch({
    executablePath: process.env.CHROMIUM_PATH ?? "/usr/bin/chromium",
    headless: true,
    args: ["--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-component-update", "--disable-sync"],
  });
}

/** The browser and a running platform (the built `botyard serve`) for a describe block. */
export interface BrowserRig {
  readonly url: string;
  readonly browser: Browser;
  /** A fresh browser context (no session) at the given width. */
  page(width?: number, height?: number): Promise<Page>;
}

/**
 * A database of its own on the run's PostgreSQL server, for a process that migrates the
 * default schema (the run's database is shared by files working in parallel); `drop` ends it.
 */
async function freshPostgresDatabase(): Promise<{ url: string; drop: () => Promise<void> }> {
  const serverUrl = inject("postgresUrl");
  const name = `botyard_web_${process.pid}_${Date.now()}`;
  const admin = new pg.Client({ connectionString: serverUrl });
  await admin.connect();
  await admin.query(`CREATE DATABASE ${name}`);
  const url = new URL(serverUrl);
  url.pathname = `/${name}`;
  return {
    url: url.toString(),
    drop: async () => {
      await admin.query(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`);
      await admin.end();
    },
  };
}

/**
 * Starts `botyard serve` on a free loopback port (SQLite in a temporary folder, or a fresh
 * PostgreSQL database) and Chromium, all ended after the block.
 */
export function useBrowser(engine: EngineName = "sqlite"): BrowserRig {
  const state = {} as { url: string; browser: Browser; serve: ServeProcess; dataDir: string; database?: Awaited<ReturnType<typeof freshPostgresDatabase>> };
  beforeAll(async () => {
    state.dataDir = mkdtempSync(join(tmpdir(), "botyard-web-"));
    const port = await freePort();
    state.url = `http://127.0.0.1:${port}`;
    if (engine === "postgres") state.database = await freshPostgresDatabase();
    const database: Record<string, string> = state.database ? { DATABASE_URL: state.database.url } : {};
    state.serve = new ServeProcess({ PORT: String(port), HOST: "127.0.0.1", DATA_DIR: state.dataDir, LOG_LEVEL: "warn", ...database });
    [state.browser] = await Promise.all([launchChromium(), state.serve.up(state.url)]);
  }, 60_000);
  afterAll(async () => {
    await state.browser?.close();
    if (state.serve?.child.exitCode === null) await state.serve.end("SIGTERM");
    await state.database?.drop();
    rmSync(state.dataDir, { recursive: true, force: true });
  });
  return {
    get url() {
      return state.url;
    },
    get browser() {
      return state.browser;
    },
    async page(width = 1280, height = 900) {
      const context = await state.browser.newContext({ viewport: { width, height }, baseURL: state.url });
      const page = await context.newPage();
      page.setDefaultTimeout(10_000);
      return page;
    },
  };
}

/** Saves a full-page screenshot under test-artifacts/screenshots; answers its path. */
export async function screenshot(page: Page, name: string): Promise<string> {
  const dir = join(ARTIFACTS_DIR, "screenshots");
  mkdirSync(dir, { recursive: true });
  const path = join(dir, `${name}.png`);
  await page.screenshot({ path, fullPage: true });
  return path;
}

/** A layout fault found from element boxes. */
export interface LayoutProblem {
  kind: "overflows the page" | "cut off" | "overlaps";
  what: string;
}

/**
 * Checks the page's visible elements from their boxes: none wider than the viewport or out
 * of it sideways, no text cut off inside its own box, no two controls or headings on top of
 * each other. CodeMirror's inner layers and off-screen skip links are left out.
 */
export function layoutProblems(page: Page): Promise<LayoutProblem[]> {
  return page.evaluate(() => {
    const problems: Array<{ kind: "overflows the page" | "cut off" | "overlaps"; what: string }> = [];
    const name = (element: Element) => `${element.tagName.toLowerCase()}${element.className && typeof element.className === "string" ? `.${element.className.split(" ")[0]}` : ""} "${(element.textContent ?? "").trim().slice(0, 30)}"`;
    const visible = (element: Element) => {
      const style = getComputedStyle(element);
      const box = element.getBoundingClientRect();
      return style.visibility !== "hidden" && style.display !== "none" && box.width > 0 && box.height > 0 && !element.closest(".cm-editor, .skip, details:not([open]) > :not(summary)");
    };
    const width = document.documentElement.clientWidth;
    if (document.documentElement.scrollWidth > width + 1) problems.push({ kind: "overflows the page", what: `page is ${document.documentElement.scrollWidth}px wide in ${width}px` });
    const elements = [...document.querySelectorAll("main *, header *")].filter(visible);
    for (const element of elements) {
      const box = element.getBoundingClientRect();
      if (box.left < -1 || box.right > width + 1) problems.push({ kind: "overflows the page", what: name(element) });
      const scrolls = /(auto|scroll)/.test(getComputedStyle(element).overflowX + getComputedStyle(element).overflowY);
      if (!scrolls && element.matches("button, a, label, h1, h2, h3, .badge, .title") && element.scrollWidth > element.clientWidth + 1 && element.clientWidth > 0) {
        problems.push({ kind: "cut off", what: name(element) });
      }
      // A one-word label drawn on two lines has been squeezed: "Sen" above "d".
      const text = element.matches("button, .badge, .tabs a") ? (element.textContent ?? "").trim() : "";
      if (text && !/\s/.test(text)) {
        const range = document.createRange();
        range.selectNodeContents(element);
        const lines = new Set([...range.getClientRects()].map((rect) => Math.round(rect.top)));
        if (lines.size > 1) problems.push({ kind: "cut off", what: `${name(element)} breaks inside the word` });
      }
    }
    const controls = elements.filter((element) => element.matches("button, a, input, select, textarea, h1, h2, h3, .badge"));
    for (let i = 0; i < controls.length; i++) {
      for (let j = i + 1; j < controls.length; j++) {
        const [a, b] = [controls[i]!, controls[j]!];
        if (a.contains(b) || b.contains(a)) continue;
        // Line boxes, not the bounding box: a link wrapping over two lines covers neither's neighbours.
        const touches = [...a.getClientRects()].some((p) =>
          [...b.getClientRects()].some((q) => Math.min(p.right, q.right) - Math.max(p.left, q.left) > 2 && Math.min(p.bottom, q.bottom) - Math.max(p.top, q.top) > 2),
        );
        if (touches) problems.push({ kind: "overlaps", what: `${name(a)} and ${name(b)}` });
      }
    }
    return problems;
  });
}
