import { keyboardRows } from "./keyboard-layout.js";

const PLACEHOLDER = /<([A-Za-z0-9_.-]+)>/g;

/** A property's value as it reads inside an Answer. */
function asText(value: unknown): string {
  if (value === null || value === undefined) return "";
  return typeof value === "object" ? JSON.stringify(value) : String(value);
}

/**
 * An Answer as written in the app, a CSV cell or a command file, with each literal `\n` (two
 * characters) made a new line: Bots.Business documents it so (spec/git-format.md §1.5, §4), and
 * the stored text keeps what was written.
 */
export function answerLines(answer: string): string {
  return answer.replaceAll("\\n", "\n");
}

/**
 * Fills `<name>` placeholders (spec/bjs.md §1.10): the user's property of that name, else the
 * bot's, else nothing. Each name is looked up once.
 */
export async function fillPlaceholders(answer: string, lookup: (name: string) => Promise<unknown>): Promise<string> {
  const names = [...new Set([...answer.matchAll(PLACEHOLDER)].map((m) => m[1]!))];
  if (names.length === 0) return answer;
  const values = new Map(await Promise.all(names.map(async (name) => [name, asText(await lookup(name))] as const)));
  return answer.replace(PLACEHOLDER, (_whole, name: string) => values.get(name) ?? "");
}

/**
 * The text a command's Keyboard is sent with when the command has no Answer and its BJS
 * sends nothing to the chat: Telegram shows a reply keyboard only with a message.
 */
export const KEYBOARD_ONLY_TEXT = "⌨️";

/** The sendMessage parameters of a command's Answer and Keyboard (Markdown, keyboard resized). */
export function answerParams(chatId: number, text: string, keyboardBody: string | null): Record<string, unknown> {
  const params: Record<string, unknown> = { chat_id: chatId, text, parse_mode: "Markdown" };
  const rows = keyboardBody ? keyboardRows(keyboardBody) : [];
  if (rows.length > 0) params.reply_markup = { keyboard: rows, resize_keyboard: true };
  return params;
}
