/**
 * A reply-keyboard layout (spec/bjs.md §1.11) as Telegram's rows of buttons: `,` between
 * buttons, a literal `\n` (two characters, as typed in the app or a CSV cell) or a real
 * newline between rows, labels trimmed. An array is taken as rows already.
 *
 * Self-contained on purpose: the BJS surface gets its source injected into the isolate, so
 * `Bot.sendKeyboard` and command Answers lay keyboards out the same way.
 */
export function keyboardRows(layout: unknown): { text: string }[][] {
  if (Array.isArray(layout)) {
    return layout.map((row) =>
      (Array.isArray(row) ? row : [row]).map((button) =>
        button !== null && typeof button === "object" ? (button as { text: string }) : { text: String(button) },
      ),
    );
  }
  return String(layout ?? "")
    .split(/\\n|\r?\n/)
    .map((row) =>
      row
        .split(",")
        .map((label) => label.trim())
        .filter((label) => label !== "")
        .map((text) => ({ text })),
    )
    .filter((row) => row.length > 0);
}
