import type { ComponentChildren } from "preact";
import { call } from "../api/client";
import { endSession } from "../api/session";
import { Link, useLocation } from "../lib/router";
import { useLoad } from "../lib/use-load";
import { navPages } from "../pages";
import { BotContext } from "./bot-context";
import { Failure } from "./failure";
import { StatusBadge } from "./status-badge";

/** The frame of every page: the top bar, and a bot's header and tabs on its pages. */
export function Layout(props: { signedIn: boolean; botId?: string; children: ComponentChildren }) {
  return (
    <>
      <a class="skip" href="#main">Skip to content</a>
      <header class="topbar">
        <Link class="brand" href="/">Botyard</Link>
        <nav aria-label="Main">
          {props.signedIn && <NavLinks links={navPages("main").map((page) => ({ href: page.path, title: page.title }))} />}
          <a href="/docs">API docs</a>
          {props.signedIn && <button type="button" class="link" onClick={endSession}>Sign out</button>}
        </nav>
      </header>
      <main id="main" tabIndex={-1}>
        {props.botId && props.signedIn ? <BotFrame id={props.botId}>{props.children}</BotFrame> : props.children}
      </main>
    </>
  );
}

/** Whether `href` is the link for `path`: the longest of `hrefs` that `path` is at or under. */
function isCurrent(href: string, hrefs: string[], path: string): boolean {
  const under = (candidate: string) => path === candidate || (candidate !== "/" && path.startsWith(`${candidate}/`));
  const best = hrefs.filter(under).sort((a, b) => b.length - a.length)[0];
  return best === href;
}

/** The links of a navigation bar, the current one marked. */
function NavLinks(props: { links: Array<{ href: string; title: string }> }) {
  const { path } = useLocation();
  const hrefs = props.links.map((link) => link.href);
  return (
    <>
      {props.links.map((link) => (
        <Link key={link.href} href={link.href} aria-current={isCurrent(link.href, hrefs, path) ? "page" : undefined}>{link.title}</Link>
      ))}
    </>
  );
}

/** A bot's pages: its name, status and tabs above the page. */
function BotFrame(props: { id: string; children: ComponentChildren }) {
  const loaded = useLoad(() => call("GET /v2/bots/{id}", { path: { id: props.id } }), [props.id]);
  if (loaded.error && !loaded.data) return <Failure error={loaded.error} />;
  if (!loaded.data) return <p aria-busy="true">Loading…</p>;
  const bot = loaded.data;
  return (
    <BotContext.Provider value={{ bot, reload: loaded.reload }}>
      <div class="bot-head">
        <h1>
          <Link href={`/bots/${bot.id}`}>{bot.name}</Link>
        </h1>
        <StatusBadge status={bot.status} />
        {bot.username && <span class="muted">@{bot.username}</span>}
      </div>
      <nav class="tabs" aria-label="Bot">
        <NavLinks links={navPages("bot").map((page) => ({ href: page.path.replace(":id", String(bot.id)), title: page.title }))} />
      </nav>
      {props.children}
    </BotContext.Provider>
  );
}
