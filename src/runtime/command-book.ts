import { SPECIAL_COMMANDS } from "../bots/commands.js";
import type { LibSource } from "../catalog/lib-sources.js";

/** What the router and the pipeline need of a command. */
export interface RoutableCommand {
  id: number;
  command: string;
  aliases: string[];
  answer: string | null;
  keyboard_body: string | null;
  need_reply: boolean;
  group_title: string | null;
  code: string | null;
  folder: string | null;
  auto_retry_time: number | null;
  /** Set on a command that stands for a library's `on` handler (spec/bjs.md §6.1): it has no row. */
  libHandler?: true;
}

/** A library's `on` handler as a command the runner can run (it runs alone, without `@` and `@@`). */
export function libHandlerCommand(name: string): RoutableCommand {
  return { id: 0, command: name, aliases: [], answer: null, keyboard_body: null, need_reply: false, group_title: null, code: null, folder: null, auto_retry_time: null, libHandler: true };
}

/** Names the router never matches from text (spec/bjs.md §1.2: use an alias for the literal). */
const RESERVED = new Set<string>(SPECIAL_COMMANDS);

/**
 * A bot's commands indexed for routing: names (case-sensitive), aliases (lower-cased) and
 * the special commands. Built once per version of the bot's commands and shared by every
 * update until a command changes.
 */
export class CommandBook {
  private readonly byName = new Map<string, RoutableCommand>();
  private readonly byAlias = new Map<string, RoutableCommand>();
  private readonly byId = new Map<number, RoutableCommand>();
  private readonly special = new Map<string, RoutableCommand>();

  /**
   * The names the libraries register with `on`, learnt from the first execution that loaded
   * them (or from a run that only loads them); undefined until then.
   */
  libHandlers?: ReadonlySet<string>;

  constructor(
    readonly commands: RoutableCommand[],
    /** The bot's installed libraries, in install order. */
    readonly libs: readonly LibSource[] = [],
  ) {
    for (const command of commands) {
      this.byId.set(command.id, command);
      (RESERVED.has(command.command) ? this.special : this.byName).set(command.command, command);
      for (const alias of command.aliases) if (!this.byAlias.has(alias)) this.byAlias.set(alias, command);
    }
  }

  /** A special command (`*`, `@`, `@@`, `!`, `/inlineQuery`) or any command by exact name. */
  named(name: string): RoutableCommand | undefined {
    return this.byName.get(name) ?? this.special.get(name);
  }

  withId(id: number): RoutableCommand | undefined {
    return this.byId.get(id);
  }

  /** Exact name (case-sensitive), then the trimmed text as an alias (lower-cased). */
  exact(text: string): RoutableCommand | undefined {
    return this.byName.get(text) ?? this.byAlias.get(text.trim().toLowerCase());
  }
}

/** True when the command has code that counts as BJS (comment-only code counts, spec §1.9). */
export function hasBjs(command: Pick<RoutableCommand, "code"> | undefined): boolean {
  return !!command?.code && command.code.trim() !== "";
}
