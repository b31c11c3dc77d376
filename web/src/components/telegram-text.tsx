import type { ComponentChildren } from "preact";
import type { Answer } from "../api/client";

/** Telegram's formatting of a message: kind, where (UTF-16 units, as JS strings count) and extras. */
export type Entity = Answer<"GET /v2/bots/{id}/playground">["messages"][number]["entities"][number];

/** Wraps `children` in the element a Telegram entity draws as. */
function wrap(entity: Entity, children: ComponentChildren, text: string, onCommand: (command: string) => void): ComponentChildren {
  switch (entity.type) {
    case "bold":
      return <strong>{children}</strong>;
    case "italic":
      return <em>{children}</em>;
    case "underline":
      return <u>{children}</u>;
    case "strikethrough":
      return <s>{children}</s>;
    case "spoiler":
      return <span class="spoiler" tabIndex={0}>{children}</span>;
    case "code":
      return <code>{children}</code>;
    case "pre":
      return <pre><code>{children}</code></pre>;
    case "blockquote":
    case "expandable_blockquote":
      return <blockquote>{children}</blockquote>;
    case "text_link":
    case "url": {
      const href = entity.type === "url" ? text : entity.url ?? "";
      return /^https?:\/\//i.test(href) ? <a href={href} target="_blank" rel="noopener noreferrer">{children}</a> : children;
    }
    case "bot_command":
      // As in Telegram, a command in a message can be tapped to send it.
      return <a href="#" onClick={(event) => { event.preventDefault(); onCommand(text); }}>{children}</a>;
    default:
      return children;
  }
}

/**
 * A message's text with its entities drawn as Telegram draws them. The text is cut at every
 * entity boundary; each piece is wrapped in the entities that cover it, outermost first.
 */
export function TelegramText(props: { text: string; entities: Entity[]; onCommand: (command: string) => void }) {
  const { text, entities } = props;
  const cuts = new Set([0, text.length]);
  for (const entity of entities) {
    cuts.add(entity.offset);
    cuts.add(Math.min(text.length, entity.offset + entity.length));
  }
  const points = [...cuts].filter((point) => point >= 0 && point <= text.length).sort((a, b) => a - b);
  const pieces: ComponentChildren[] = [];
  for (let index = 0; index + 1 < points.length; index++) {
    const [from, to] = [points[index]!, points[index + 1]!];
    const covering = entities.filter((entity) => entity.offset <= from && entity.offset + entity.length >= to);
    let node: ComponentChildren = text.slice(from, to);
    for (const entity of covering.reverse()) node = wrap(entity, node, text.slice(entity.offset, entity.offset + entity.length), props.onCommand);
    pieces.push(node);
  }
  return <>{pieces}</>;
}
