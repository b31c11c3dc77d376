/**
 * Source texts (command bodies, libraries) on their way to a sandbox process: a text travels
 * once, later runs name it by the id it came with. A bot's run would otherwise carry its whole
 * body and its libraries through the channel every time, encoded and decoded on both sides.
 */

/** A source as a run names it: its text the first time this process sees it. */
export interface WiredSource {
  source: number;
  code?: string;
}

/**
 * Text a sender keeps ids for, in characters; past it, ids start over (the texts are sent
 * again). The receiving process keeps twice as much, so every id a sender names is there.
 */
const SENDER_CHARS = 8 * 1024 * 1024;

/** The platform's side, one per sandbox process (and per life of it). */
export class SourceSender {
  private readonly ids = new Map<string, number>();
  private chars = 0;
  private nextId = 0;

  wire(code: string): WiredSource {
    const known = this.ids.get(code);
    if (known !== undefined) return { source: known };
    if (this.chars + code.length > SENDER_CHARS) {
      this.ids.clear();
      this.chars = 0;
    }
    const source = ++this.nextId;
    this.ids.set(code, source);
    this.chars += code.length;
    return { source, code };
  }
}

/** The sandbox process's side: texts by id, the oldest forgotten first. */
export class SourceReceiver {
  private readonly texts = new Map<number, string>();
  private chars = 0;

  /** The source's text, or undefined if it never arrived. */
  take({ source, code }: WiredSource): string | undefined {
    if (code !== undefined && !this.texts.has(source)) {
      this.texts.set(source, code);
      this.chars += code.length;
      for (const [oldest, text] of this.texts) {
        if (this.chars <= 2 * SENDER_CHARS || oldest === source) break;
        this.texts.delete(oldest);
        this.chars -= text.length;
      }
    }
    return this.texts.get(source);
  }
}
