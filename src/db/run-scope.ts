import { AsyncLocalStorage } from "node:async_hooks";
import { CompiledQuery, type DatabaseConnection, type Dialect, type Driver, type Kysely, type TransactionSettings } from "kysely";
import type { Schema } from "./schema.js";

/** One open run transaction: its connection, whether it is still open, and what waits for its commit. */
interface Scope {
  connection: DatabaseConnection;
  open: boolean;
  afterCommit: (() => void)[];
  savepoints: number;
}

/**
 * Transactions scoped to an async context (PostgreSQL). While `transaction(work)` runs, every
 * query made from `work`'s async context, through the one Kysely instance every store shares,
 * goes to that transaction's connection; a `db.transaction()` opened inside becomes a savepoint.
 * So the stores stay as they are and a run's reads see its own writes. Anything the run starts
 * that outlives it (a timer, a background retry) falls back to the pool once the scope closes.
 */
export class RunScopes {
  private readonly scopes = new AsyncLocalStorage<Scope>();
  private driver?: Driver;

  /**
   * Queries that commit at once, whatever the open run does, on a small pool of their own: a
   * run holds its connection until it ends, so with every pooled connection held by a run,
   * a write from within it waiting for another would wait forever.
   */
  constructor(readonly independent: Kysely<Schema>) {}

  /** The dialect to build the Kysely instance with: `inner`'s, routed through the open scope. */
  dialect(inner: Dialect): Dialect {
    return {
      createAdapter: () => inner.createAdapter(),
      createIntrospector: (db) => inner.createIntrospector(db),
      createQueryCompiler: () => inner.createQueryCompiler(),
      createDriver: () => (this.driver = new ScopedDriver(inner.createDriver(), () => this.current())),
    };
  }

  /** Whether a run transaction is open in this async context. */
  get active(): boolean {
    return this.current() !== undefined;
  }

  /** Runs `work` in one transaction (or inside the one already open here); commits when it resolves. */
  async transaction<T>(work: () => Promise<T>): Promise<T> {
    if (this.active) return work();
    const driver = this.driver!;
    const connection = await driver.acquireConnection();
    const scope: Scope = { connection: oneAtATime(connection), open: true, afterCommit: [], savepoints: 0 };
    try {
      await driver.beginTransaction(connection, {});
      let result: T;
      try {
        result = await this.scopes.run(scope, work);
      } catch (error) {
        scope.open = false;
        await driver.rollbackTransaction(connection);
        throw error;
      }
      scope.open = false;
      await driver.commitTransaction(connection);
      for (const hook of scope.afterCommit) hook();
      return result;
    } finally {
      scope.open = false;
      await driver.releaseConnection(connection);
    }
  }

  /** Runs `hook` once the open run transaction commits (never if it rolls back), or now when none is open. */
  afterCommit(hook: () => void): void {
    const scope = this.current();
    if (scope) scope.afterCommit.push(() => this.scopes.exit(hook));
    else hook();
  }

  /** Whether a run transaction is open in this async context. */
  get open(): boolean {
    return this.current() !== undefined;
  }

  private current(): Scope | undefined {
    const scope = this.scopes.getStore();
    return scope?.open ? scope : undefined;
  }
}

/** The pool's driver, but the open scope's connection for queries in its context. */
class ScopedDriver implements Driver {
  constructor(
    private readonly inner: Driver,
    private readonly scope: () => Scope | undefined,
  ) {}

  init(): Promise<void> {
    return this.inner.init();
  }

  destroy(): Promise<void> {
    return this.inner.destroy();
  }

  acquireConnection(): Promise<DatabaseConnection> {
    const scope = this.scope();
    return scope ? Promise.resolve(scope.connection) : this.inner.acquireConnection();
  }

  async releaseConnection(connection: DatabaseConnection): Promise<void> {
    if (connection !== this.scope()?.connection) await this.inner.releaseConnection(connection);
  }

  async beginTransaction(connection: DatabaseConnection, settings: TransactionSettings): Promise<void> {
    const scope = this.ownScope(connection);
    if (!scope) return this.inner.beginTransaction(connection, settings);
    await connection.executeQuery(CompiledQuery.raw(`savepoint run_scope_${++scope.savepoints}`));
  }

  async commitTransaction(connection: DatabaseConnection): Promise<void> {
    const scope = this.ownScope(connection);
    if (!scope) return this.inner.commitTransaction(connection);
    await connection.executeQuery(CompiledQuery.raw(`release savepoint run_scope_${scope.savepoints--}`));
  }

  async rollbackTransaction(connection: DatabaseConnection): Promise<void> {
    const scope = this.ownScope(connection);
    if (!scope) return this.inner.rollbackTransaction(connection);
    await connection.executeQuery(CompiledQuery.raw(`rollback to savepoint run_scope_${scope.savepoints--}`));
  }

  /** The open scope when `connection` is its own (a nested transaction), else undefined. */
  private ownScope(connection: DatabaseConnection): Scope | undefined {
    const scope = this.scope();
    return scope?.connection === connection ? scope : undefined;
  }
}

/**
 * The connection, its queries sent one after another: a run may query from several branches
 * at once (pg would queue them too, but no longer does so from version 9 on).
 */
function oneAtATime(connection: DatabaseConnection): DatabaseConnection {
  let last: Promise<unknown> = Promise.resolve();
  return {
    executeQuery<R>(query: CompiledQuery) {
      const result = last.then(() => connection.executeQuery<R>(query));
      last = result.catch(() => {});
      return result;
    },
    streamQuery: (query, chunkSize) => connection.streamQuery(query, chunkSize),
  };
}
