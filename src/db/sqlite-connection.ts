import type BetterSqlite3 from "better-sqlite3";
import type { SqliteDatabase, SqliteStatement } from "kysely";

/** Prepared statements kept per SQL text. */
const STATEMENT_CACHE_SIZE = 500;

interface CommitGroup {
  done: Promise<void>;
  resolve(): void;
  reject(error: unknown): void;
}

/**
 * better-sqlite3 as kysely sees it, doing two things kysely would not:
 *
 * - Prepared statements are kept per SQL text: preparing costs more than running most of our
 *   queries.
 * - Writes outside an explicit transaction are grouped: the first one opens a transaction that
 *   commits after the event loop's next round (two setImmediates: the I/O ready by then, an
 *   update's next step, a webhook, a sandbox's answer, writes into the same group). The writes
 *   of many concurrent updates and requests then share one commit, and each WAL page is written
 *   once per group rather than once per write (bench/runtime.ts: a commit cost more than the
 *   inbox insert it carried; waiting one round more made 17% fewer commits). `committed()`
 *   tells when the writes made so far are on disk: whatever must be durable before it is
 *   acknowledged (an accepted update, an API answer) waits for it. Reads on this connection
 *   see the group's writes at once.
 *
 * There is one connection, used by one query at a time (kysely's mutex), so sharing cached
 * statements and the group is safe. Committing a group early is always safe: an explicit
 * transaction does it before it begins.
 */
export class SqliteConnection implements SqliteDatabase {
  private readonly statements = new Map<string, SqliteStatement>();
  private readonly begin: BetterSqlite3.Statement;
  private readonly commit: BetterSqlite3.Statement;
  private readonly rollback: BetterSqlite3.Statement;
  private group?: CommitGroup;

  constructor(private readonly sqlite: BetterSqlite3.Database) {
    this.begin = sqlite.prepare("begin immediate");
    this.commit = sqlite.prepare("commit");
    this.rollback = sqlite.prepare("rollback");
  }

  prepare(sql: string): SqliteStatement {
    let statement = this.statements.get(sql);
    if (!statement) {
      statement = this.wrap(sql, this.sqlite.prepare(sql));
      if (this.statements.size >= STATEMENT_CACHE_SIZE) this.statements.delete(this.statements.keys().next().value!);
      this.statements.set(sql, statement);
    }
    return statement;
  }

  /** Resolves once every write made so far is committed; rejects if their group was lost. */
  committed(): Promise<void> {
    return this.group?.done ?? Promise.resolve();
  }

  /** Commits the open group, if any. */
  flush(): void {
    const group = this.group;
    if (!group) return;
    this.group = undefined;
    try {
      this.commit.run();
      group.resolve();
    } catch (error) {
      if (this.sqlite.inTransaction) this.rollback.run();
      group.reject(error);
    }
  }

  close(): void {
    this.flush();
    this.sqlite.close();
  }

  private wrap(sql: string, statement: BetterSqlite3.Statement): SqliteStatement {
    // An explicit transaction (kysely's `begin`) cannot open inside the group: commit it first.
    if (/^\s*begin\b/i.test(sql)) return { reader: false, all: () => [], iterate: () => [].values(), run: () => (this.flush(), statement.run()) };
    // Reads, and commit, rollback and savepoints, which SQLite counts as read-only.
    if (statement.readonly) return statement;
    return {
      reader: statement.reader,
      all: (parameters) => this.write(() => statement.all(parameters)),
      run: (parameters) => this.write(() => statement.run(parameters)),
      iterate: (parameters) => this.write(() => statement.iterate(parameters)),
    };
  }

  private write<T>(run: () => T): T {
    if (!this.sqlite.inTransaction) this.open();
    try {
      return run();
    } catch (error) {
      // Most failures undo one statement; a few (disk full, I/O) roll the whole group back.
      if (this.group && !this.sqlite.inTransaction) {
        this.group.reject(error);
        this.group = undefined;
      }
      throw error;
    }
  }

  private open(): void {
    this.begin.run();
    let resolve!: () => void;
    let reject!: (error: unknown) => void;
    const done = new Promise<void>((ok, fail) => ((resolve = ok), (reject = fail)));
    // Nobody may be waiting for this group: its failure is reported to those who are.
    done.catch(() => {});
    this.group = { done, resolve, reject };
    setImmediate(() => setImmediate(() => this.flush()));
  }
}
