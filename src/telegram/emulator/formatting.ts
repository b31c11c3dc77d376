import type { MessageEntity } from "@grammyjs/types";
import { badRequest, type TelegramError } from "./errors.js";

/** Text as Telegram stores it: markup removed, formatting as entities (UTF-16 offsets). */
export interface FormattedText {
  text: string;
  entities: MessageEntity[];
}

/**
 * Applies a `parse_mode` (Markdown, MarkdownV2, HTML) or explicit `entities` to a text,
 * failing like Telegram ("can't parse entities: ...") on broken markup. Bot commands are
 * detected in the result, as Telegram does.
 */
export function formatText(raw: string, parseMode?: string, entities?: MessageEntity[]): FormattedText {
  const parsed = parse(raw, parseMode) ?? { text: raw, entities: entities ?? [] };
  const all = [...parsed.entities, ...botCommands(parsed.text)];
  return { text: parsed.text, entities: all.sort((a, b) => a.offset - b.offset) };
}

function parse(raw: string, parseMode: string | undefined): FormattedText | undefined {
  switch (parseMode?.toLowerCase()) {
    case undefined:
    case "":
      return undefined;
    case "markdown":
      return parseMarkdown(raw);
    case "markdownv2":
      return parseMarkdownV2(raw);
    case "html":
      return parseHtml(raw);
    default:
      throw badRequest("unsupported parse_mode");
  }
}

function botCommands(text: string): MessageEntity[] {
  const found: MessageEntity[] = [];
  for (const match of text.matchAll(/(?<![\w/])\/[a-zA-Z0-9_]{1,64}(?:@[a-zA-Z0-9_]{3,32})?/g)) {
    found.push({ type: "bot_command", offset: match.index, length: match[0].length });
  }
  return found;
}

function entityError(detail: string): TelegramError {
  return badRequest(`can't parse entities: ${detail}`);
}

/** Telegram reports positions in UTF-8 bytes of the original text. */
function byteOffset(raw: string, index: number): number {
  return Buffer.byteLength(raw.slice(0, index));
}

/** An entity before its position is known. */
type EntityKind = MessageEntity extends infer E ? (E extends MessageEntity ? Omit<E, "offset" | "length"> : never) : never;

/** Builds the output text and its entities while a parser walks the input. */
class Output {
  text = "";
  entities: MessageEntity[] = [];

  /** Adds an entity from `offset` to the current end, unless it would be empty. */
  close(entity: EntityKind, offset: number): void {
    if (this.text.length > offset) {
      this.entities.push({ ...entity, offset, length: this.text.length - offset } as MessageEntity);
    }
  }

  result(): FormattedText {
    return { text: this.text, entities: this.entities.sort((a, b) => a.offset - b.offset) };
  }
}

/** Legacy Markdown: `*bold*`, `_italic_`, `` `code` ``, ```` ```pre``` ````, `[text](url)`; no nesting. */
function parseMarkdown(raw: string): FormattedText {
  const out = new Output();
  let i = 0;
  while (i < raw.length) {
    const c = raw[i]!;
    if (c === "\\" && "_*`[".includes(raw[i + 1] ?? "")) {
      out.text += raw[i + 1];
      i += 2;
      continue;
    }
    if (!"_*`[".includes(c)) {
      out.text += c;
      i++;
      continue;
    }
    const begin = i;
    const isPre = raw.startsWith("```", i);
    const end = c === "[" ? "]" : isPre ? "```" : c;
    i += isPre ? 3 : 1;
    let language: string | undefined;
    if (isPre) {
      const firstLine = /^([^\s`]+)(?=\s)/.exec(raw.slice(i));
      if (firstLine) {
        language = firstLine[1];
        i += firstLine[0].length;
      }
      if (raw[i] === "\n") i++;
    }
    const close = raw.indexOf(end, i);
    if (close < 0) throw entityError(`Can't find end of the entity starting at byte offset ${byteOffset(raw, begin)}`);
    const offset = out.text.length;
    out.text += raw.slice(i, close);
    i = close + end.length;
    if (c === "_") out.close({ type: "italic" }, offset);
    else if (c === "*") out.close({ type: "bold" }, offset);
    else if (c === "`") out.close(isPre ? { type: "pre", ...(language && { language }) } : { type: "code" }, offset);
    else if (raw[i] === "(") {
      const urlEnd = raw.indexOf(")", i);
      if (urlEnd < 0) throw entityError(`Can't find end of a URL at byte offset ${byteOffset(raw, i + 1)}`);
      out.close({ type: "text_link", url: raw.slice(i + 1, urlEnd) }, offset);
      i = urlEnd + 1;
    }
  }
  return out.result();
}

const V2_RESERVED = "_*[]()~`>#+-=|{}.!";

const V2_MARKERS: Array<[string, MessageEntity["type"], string]> = [
  ["||", "spoiler", "Spoiler"],
  ["__", "underline", "Underline"],
  ["*", "bold", "Bold"],
  ["_", "italic", "Italic"],
  ["~", "strikethrough", "Strikethrough"],
];

/** MarkdownV2: nested entities; every reserved character outside markup needs a `\`. */
function parseMarkdownV2(raw: string): FormattedText {
  const out = new Output();
  const open: Array<{ marker: string; type: MessageEntity["type"]; name: string; offset: number; at: number }> = [];
  let i = 0;
  while (i < raw.length) {
    const c = raw[i]!;
    if (c === "\\") {
      const next = raw[i + 1];
      if (next === undefined || next.charCodeAt(0) > 126) throw entityError(`Character '\\' is reserved and must be escaped with the preceding '\\'`);
      out.text += next;
      i += 2;
      continue;
    }
    if (c === "`") {
      i = codeV2(raw, i, out);
      continue;
    }
    if (c === "[") {
      open.push({ marker: "]", type: "text_link", name: "TextUrl", offset: out.text.length, at: i });
      i++;
      continue;
    }
    if (c === "]" && open.at(-1)?.marker === "]") {
      const link = open.pop()!;
      const url = /^\(((?:\\.|[^)\\])*)\)/.exec(raw.slice(i + 1));
      if (!url) throw entityError(`Can't find end of a URL at byte offset ${byteOffset(raw, i + 1)}`);
      out.close({ type: "text_link", url: url[1]!.replace(/\\(.)/g, "$1") }, link.offset);
      i += 1 + url[0].length;
      continue;
    }
    const marker = V2_MARKERS.find(([m]) => raw.startsWith(m, i));
    if (marker) {
      const [text, type, name] = marker;
      const top = open.findLastIndex((entity) => entity.marker === text);
      if (top >= 0) {
        const entity = open.splice(top, 1)[0]!;
        out.close({ type } as MessageEntity, entity.offset);
      } else open.push({ marker: text, type, name, offset: out.text.length, at: i });
      i += text.length;
      continue;
    }
    if (c === ">" && (i === 0 || raw[i - 1] === "\n")) {
      i = blockquoteV2(raw, i, out);
      continue;
    }
    if (V2_RESERVED.includes(c)) {
      throw entityError(`Character '${c}' is reserved and must be escaped with the preceding '\\'`);
    }
    out.text += c;
    i++;
  }
  const unclosed = open[0];
  if (unclosed) throw entityError(`Can't find end of ${unclosed.name} entity at byte offset ${byteOffset(raw, unclosed.at)}`);
  return out.result();
}

/** `` `code` `` or ```` ```lang\npre``` ```` in MarkdownV2; only `` ` `` and `\` are escaped inside. */
function codeV2(raw: string, start: number, out: Output): number {
  const isPre = raw.startsWith("```", start);
  const fence = isPre ? "```" : "`";
  let i = start + fence.length;
  let language: string | undefined;
  if (isPre) {
    const firstLine = /^([^\s`]*)\n/.exec(raw.slice(i));
    if (firstLine) {
      language = firstLine[1] || undefined;
      i += firstLine[0].length;
    }
  }
  const offset = out.text.length;
  while (i < raw.length && !raw.startsWith(fence, i)) {
    if (raw[i] === "\\" && i + 1 < raw.length) i++;
    out.text += raw[i];
    i++;
  }
  if (i >= raw.length) {
    throw entityError(`Can't find end of ${isPre ? "Pre" : "Code"} entity at byte offset ${byteOffset(raw, start)}`);
  }
  out.close(isPre ? { type: "pre", ...(language && { language }) } : { type: "code" }, offset);
  return i + fence.length;
}

/** `>` lines in MarkdownV2 form one blockquote; each line is MarkdownV2 itself. */
function blockquoteV2(raw: string, start: number, out: Output): number {
  const offset = out.text.length;
  let i = start;
  let newline = false;
  while (raw[i] === ">") {
    if (newline) out.text += "\n";
    const lineEnd = raw.indexOf("\n", i);
    const end = lineEnd < 0 ? raw.length : lineEnd;
    const line = parseMarkdownV2(raw.slice(i + 1, end));
    for (const entity of line.entities) out.entities.push({ ...entity, offset: entity.offset + out.text.length });
    out.text += line.text;
    newline = lineEnd >= 0;
    i = end + (newline ? 1 : 0);
  }
  out.close({ type: "blockquote" }, offset);
  if (newline) out.text += "\n";
  return i;
}

const HTML_TAGS: Record<string, MessageEntity["type"]> = {
  b: "bold",
  strong: "bold",
  i: "italic",
  em: "italic",
  u: "underline",
  ins: "underline",
  s: "strikethrough",
  strike: "strikethrough",
  del: "strikethrough",
  "tg-spoiler": "spoiler",
  span: "spoiler",
  code: "code",
  pre: "pre",
  a: "text_link",
  blockquote: "blockquote",
  "tg-emoji": "custom_emoji",
};

const HTML_ENTITIES: Record<string, string> = { lt: "<", gt: ">", amp: "&", quot: '"' };

function decodeHtml(text: string): string {
  return text.replace(/&(#x[0-9a-f]+|#\d+|[a-z]+);/gi, (all, name: string) => {
    if (name[0] === "#") {
      const code = Number(name[1] === "x" || name[1] === "X" ? `0${name.slice(1)}` : name.slice(1));
      return code <= 0x10ffff ? String.fromCodePoint(code) : all;
    }
    return HTML_ENTITIES[name.toLowerCase()] ?? all;
  });
}

/** Telegram's HTML subset: its tags nest, must close in order, and nothing else is allowed. */
function parseHtml(raw: string): FormattedText {
  const out = new Output();
  const open: Array<{ tag: string; attributes: Record<string, string>; offset: number }> = [];
  let i = 0;
  while (i < raw.length) {
    const lt = raw.indexOf("<", i);
    out.text += decodeHtml(raw.slice(i, lt < 0 ? raw.length : lt));
    if (lt < 0) break;
    const tag = /^<(\/?)([a-zA-Z][\w-]*)((?:\s+[\w-]+(?:\s*=\s*(?:"[^"]*"|'[^']*'|[^\s>]+))?)*)\s*>/.exec(raw.slice(lt));
    if (!tag) throw entityError(`Unexpected end of name token at byte offset ${byteOffset(raw, lt)}`);
    const [whole, slash, rawName, attributeText] = tag as unknown as [string, string, string, string];
    const name = rawName.toLowerCase();
    if (slash) {
      const top = open.pop();
      if (!top) throw entityError(`Unexpected end tag at byte offset ${byteOffset(raw, lt)}`);
      if (top.tag !== name) {
        throw entityError(`Unmatched end tag at byte offset ${byteOffset(raw, lt)}, expected "</${top.tag}>", found "</${name}>"`);
      }
      out.close(htmlEntity(top.tag, top.attributes, open.at(-1)), top.offset);
    } else {
      if (!(name in HTML_TAGS) || (name === "span" && !/class\s*=\s*["']?tg-spoiler/.test(attributeText))) {
        throw entityError(`Unsupported start tag "${name}" at byte offset ${byteOffset(raw, lt)}`);
      }
      const attributes: Record<string, string> = {};
      for (const [, key, value] of attributeText.matchAll(/([\w-]+)(?:\s*=\s*("[^"]*"|'[^']*'|[^\s>]+))?/g)) {
        attributes[key!.toLowerCase()] = decodeHtml((value ?? "").replace(/^["']|["']$/g, ""));
      }
      open.push({ tag: name, attributes, offset: out.text.length });
    }
    i = lt + whole.length;
  }
  const unclosed = open.at(-1);
  if (unclosed) throw entityError(`Can't find end tag corresponding to start tag "${unclosed.tag}"`);
  return mergePreCode(out.result());
}

function htmlEntity(
  tag: string,
  attributes: Record<string, string>,
  parent: { tag: string } | undefined,
): EntityKind {
  const type = HTML_TAGS[tag]!;
  if (type === "text_link") return { type, url: attributes.href ?? "" };
  if (type === "custom_emoji") return { type, custom_emoji_id: attributes["emoji-id"] ?? "" };
  if (type === "blockquote" && "expandable" in attributes) return { type: "expandable_blockquote" };
  if (type === "code" && parent?.tag === "pre") {
    const language = /^language-(.+)$/.exec(attributes.class ?? "")?.[1];
    return language ? { type: "pre", language } : { type };
  }
  return { type } as EntityKind;
}

/** `<pre><code class="language-x">` is one pre entity with a language, not two entities. */
function mergePreCode(result: FormattedText): FormattedText {
  // Spans in a set: a message of thousands of pre blocks compared each with each took seconds.
  const span = (e: { offset: number; length: number }) => `${e.offset}:${e.length}`;
  const withLanguage = new Set(result.entities.filter((e) => e.type === "pre" && "language" in e).map(span));
  const entities = result.entities.filter((e) => !(e.type === "pre" && !("language" in e) && withLanguage.has(span(e))));
  return { text: result.text, entities };
}
