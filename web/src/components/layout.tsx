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
          {props.signedIn && navPages("main").map((page) => <NavLink key={page.path} href={page.path}>{page.title}</NavLink>)}
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

function NavLink(props: { href: string; children: ComponentChildren }) {
  const { path } = useLocation();
  const current = path === props.href || (props.href !== "/" && path.startsWith(`${props.href}/`));
  return <Link href={props.href} aria-current={current ? "page" : undefined}>{props.children}</Link>;
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
        {navPages("bot").map((page) => {
          const href = page.path.replace(":id", String(bot.id));
          return <NavLink key={page.path} href={href}>{page.title}</NavLink>;
        })}
      </nav>
      {props.children}
    </BotContext.Provider>
  );
}
