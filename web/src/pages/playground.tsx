import { useEffect, useRef, useState } from "preact/hooks";
import { call, type Answer } from "../api/client";
import { useBot } from "../components/bot-context";
import { ErrorItem, type ErrorEntry } from "../components/error-entry";
import { Failure } from "../components/failure";
import { StartStop } from "../components/start-stop";
import { TelegramText } from "../components/telegram-text";
import { useAction } from "../components/use-action";
import { Link } from "../lib/router";
import type { Page } from "../pages";

type Chat = Answer<"GET /v2/bots/{id}/playground">;
type Message = Chat["messages"][number];

/**
 * How long one read of the chat may wait for news. Under the 5 s for which a rotated session
 * token stays valid, so requests made meanwhile never carry a token that has expired.
 */
const WAIT_S = 4;

/** Talk to the bot as Telegram would show it, with its errors beside as they happen. */
function Playground() {
  const { bot, reload } = useBot();
  const connect = useAction();
  const [chat, setChat] = useState<Chat | null>(null);
  const [errors, setErrors] = useState<ErrorEntry[]>([]);
  const [failure, setFailure] = useState<Error | null>(null);
  const fullReload = useRef(true);
  const id = String(bot.id);

  useEffect(() => {
    const stop = new AbortController();
    let lastId = 0;
    let known: Message[] = [];
    async function follow() {
      while (!stop.signal.aborted) {
        try {
          const after = fullReload.current ? 0 : lastId;
          fullReload.current = false;
          const next = await call("GET /v2/bots/{id}/playground", { path: { id }, query: { after_message_id: after, wait_s: after ? WAIT_S : 0 }, signal: stop.signal });
          known = after ? [...known, ...next.messages] : next.messages;
          lastId = known.at(-1)?.message_id ?? 0;
          setChat({ ...next, messages: known });
          setErrors(await call("GET /v2/bots/{id}/error_logs", { path: { id }, query: { per_page: 10 }, signal: stop.signal }));
          setFailure(null);
          if (!next.connected) return;
        } catch (error) {
          if (stop.signal.aborted) return;
          setFailure(error as Error);
          await new Promise((resolve) => setTimeout(resolve, 3000));
        }
      }
    }
    void follow();
    return () => stop.abort();
  }, [id, bot.token]);

  if (!chat) return <Failure error={failure} />;
  if (!chat.connected) {
    const join = () => connect.run(async () => {
      await call("POST /v2/bots/{id}/playground", { path: { id } });
      await reload();
    });
    return (
      <div class="card">
        <h2>Playground</h2>
        {bot.token ? (
          <p>This bot is connected to Telegram with its token: talk to it there. To try it here instead, remove its token in <Link href={`/bots/${id}/settings`}>Settings</Link>.</p>
        ) : (
          <>
            <p>The playground is a Telegram inside Botyard: talk to your bot here, without a Telegram token.</p>
            <button type="button" onClick={join} disabled={connect.busy}>Use the playground</button>
          </>
        )}
        <Failure error={connect.error} />
      </div>
    );
  }
  return (
    <div class="playground">
      <ChatView chat={chat} botId={id} onPressed={() => (fullReload.current = true)} running={bot.status === "works"} failure={failure} />
      <aside class="card" aria-label="Errors as they happen">
        <h2>Errors</h2>
        {errors.length === 0 ? <p class="muted">None so far. A failing command shows here at once.</p> : (
          <ul class="list">{errors.map((entry) => <ErrorItem key={entry.id} entry={entry} botId={id} />)}</ul>
        )}
      </aside>
    </div>
  );
}

function ChatView(props: { chat: Chat; botId: string; running: boolean; onPressed: () => void; failure: Error | null }) {
  const [text, setText] = useState("");
  const action = useAction();
  const list = useRef<HTMLDivElement>(null);
  const path = { id: props.botId };
  useEffect(() => {
    list.current?.scrollTo({ top: list.current.scrollHeight });
  }, [props.chat.messages.length]);
  const send = (message: string) => action.run(() => call("POST /v2/bots/{id}/playground/messages", { path, body: { text: message } }));
  const press = (messageId: number, data: string) =>
    action.run(async () => {
      await call("POST /v2/bots/{id}/playground/buttons", { path, body: { message_id: messageId, callback_data: data } });
      props.onPressed();
    });
  return (
    <section class="chat" aria-label="Chat with the bot">
      {!props.running && <div class="card row spread"><span>The bot is not running: start it to get answers.</span><StartStop /></div>}
      <div class="messages" ref={list} role="log" aria-live="polite" aria-label="Messages">
        {props.chat.messages.length === 0 && <p class="muted">Say hello: send /start.</p>}
        {props.chat.messages.map((message) => (
          <div key={message.message_id} class={`bubble ${message.from}`} data-from={message.from}>
            {message.media && <div class="muted">[{message.media}]</div>}
            {message.text && <TelegramText text={message.text} entities={message.entities} onCommand={(command) => void send(command)} />}
            {message.inline_keyboard && (
              <div class="inline-keyboard">
                {message.inline_keyboard.map((row, index) => (
                  <div class="kb-row" key={index}>
                    {row.map((button) =>
                      button.url ? (
                        <a class="button secondary" key={button.text} href={button.url} target="_blank" rel="noopener noreferrer">{button.text}</a>
                      ) : (
                        <button type="button" key={button.text} disabled={!button.callback_data} onClick={() => press(message.message_id, button.callback_data!)}>{button.text}</button>
                      ),
                    )}
                  </div>
                ))}
              </div>
            )}
            <time dateTime={message.date}>{new Date(message.date).toLocaleTimeString([], { hour: "2-digit", minute: "2-digit" })}{message.edited ? " · edited" : ""}</time>
          </div>
        ))}
      </div>
      {props.chat.reply_keyboard && (
        <div class="reply-keyboard" aria-label="Keyboard">
          {props.chat.reply_keyboard.keyboard.map((row, index) => (
            <div class="kb-row" key={index}>
              {row.map((button) => <button type="button" key={button.text} onClick={() => send(button.text)}>{button.text}</button>)}
            </div>
          ))}
        </div>
      )}
      <form class="composer" onSubmit={(event) => { event.preventDefault(); if (text.trim()) void send(text).then((sent) => sent && setText("")); }}>
        <input aria-label="Message" placeholder="Write a message…" value={text} onInput={(event) => setText(event.currentTarget.value)} />
        <button type="submit" disabled={action.busy || !text.trim()}>Send</button>
      </form>
      <Failure error={action.error ?? props.failure} />
    </section>
  );
}

export const page: Page = { path: "/bots/:id/playground", title: "Playground", nav: "bot", order: 20, component: Playground };
