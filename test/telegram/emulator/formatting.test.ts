import { describe, expect, it } from "vitest";
import { TelegramError } from "../../../src/telegram/emulator/errors.js";
import { formatText } from "../../../src/telegram/emulator/formatting.js";

function failure(text: string, mode: string): string {
  try {
    formatText(text, mode);
  } catch (error) {
    return (error as TelegramError).description;
  }
  throw new Error(`'${text}' parsed in ${mode}`);
}

describe("parse modes", () => {
  it("legacy Markdown: entities, escapes, pre with language, and unbalanced markers", () => {
    expect(formatText("a \\*b\\* `c`", "Markdown")).toEqual({ text: "a *b* c", entities: [{ type: "code", offset: 6, length: 1 }] });
    expect(formatText("```js\nx()```", "Markdown")).toEqual({ text: "x()", entities: [{ type: "pre", offset: 0, length: 3, language: "js" }] });
    expect(failure("_open", "Markdown")).toBe("Bad Request: can't parse entities: Can't find end of the entity starting at byte offset 0");
    expect(failure("é `x", "Markdown")).toBe("Bad Request: can't parse entities: Can't find end of the entity starting at byte offset 3");
  });

  it("MarkdownV2: nesting, escapes, links, and reserved characters", () => {
    expect(formatText("*bold _both_*\\!", "MarkdownV2")).toEqual({
      text: "bold both!",
      entities: [
        { type: "bold", offset: 0, length: 9 },
        { type: "italic", offset: 5, length: 4 },
      ],
    });
    expect(formatText("[go](https://a.b/\\)) ||s|| __u__ ~x~", "MarkdownV2").entities.map((e) => e.type)).toEqual([
      "text_link",
      "spoiler",
      "underline",
      "strikethrough",
    ]);
    expect(failure("*open", "MarkdownV2")).toBe("Bad Request: can't parse entities: Can't find end of Bold entity at byte offset 0");
    expect(failure("1+1", "MarkdownV2")).toBe(
      "Bad Request: can't parse entities: Character '+' is reserved and must be escaped with the preceding '\\'",
    );
  });

  it("HTML: the supported tags, entities, and Telegram's tag errors", () => {
    expect(formatText('<b>1 &lt; 2</b> <a href="http://x">x</a> <pre><code class="language-ts">t</code></pre>', "HTML")).toEqual({
      text: "1 < 2 x t",
      entities: [
        { type: "bold", offset: 0, length: 5 },
        { type: "text_link", offset: 6, length: 1, url: "http://x" },
        { type: "pre", offset: 8, length: 1, language: "ts" },
      ],
    });
    expect(formatText("&#128512; &#99999999; &nbsp;", "HTML").text).toBe("😀 &#99999999; &nbsp;");
    expect(failure("<blink>x</blink>", "HTML")).toBe('Bad Request: can\'t parse entities: Unsupported start tag "blink" at byte offset 0');
    expect(failure("x</b>", "HTML")).toBe("Bad Request: can't parse entities: Unexpected end tag at byte offset 1");
    expect(failure("<b><i>x</b></i>", "HTML")).toBe(
      'Bad Request: can\'t parse entities: Unmatched end tag at byte offset 7, expected "</i>", found "</b>"',
    );
  });

  it("detects bot commands and refuses unknown parse modes", () => {
    expect(formatText("/start@shop_bot now").entities).toEqual([{ type: "bot_command", offset: 0, length: 15 }]);
    expect(failure("x", "Latex")).toBe("Bad Request: unsupported parse_mode");
  });
});
