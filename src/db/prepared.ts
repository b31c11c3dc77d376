import type { Compilable, Kysely, QueryResult } from "kysely";
import type { Schema } from "./schema.js";

/** What a prepared query's builder puts where a call's value goes. */
type Slot = never;

/**
 * A query kysely builds and compiles once, then runs with each call's values: the runtime runs
 * a few queries for every update, and building and compiling them cost more than the
 * database's answer (bench/runtime.ts). `build` gets one slot per value, in call order, to use
 * wherever the query takes a value; the query's own constants stay as compiled.
 */
export function prepared<Row, Values extends unknown[]>(db: Kysely<Schema>, arity: Values["length"], build: (...slots: Slot[]) => Compilable<Row>): (...values: Values) => Promise<QueryResult<Row>> {
  const slots = Array.from({ length: arity }, (_, i) => `\u0000slot ${i}\u0000`);
  const compiled = build(...(slots as unknown as Slot[])).compile();
  const positions = compiled.parameters.map((parameter) => slots.indexOf(parameter as string));
  const missing = slots.findIndex((_, i) => !positions.includes(i));
  if (missing >= 0) throw new Error(`the prepared query does not use its value ${missing}`);
  return (...values) => db.executeQuery<Row>({ ...compiled, parameters: positions.map((at, i) => (at >= 0 ? values[at] : compiled.parameters[i])) });
}

/** A prepared query's first row, or undefined. */
export function preparedFirst<Row, Values extends unknown[]>(db: Kysely<Schema>, arity: Values["length"], build: (...slots: Slot[]) => Compilable<Row>): (...values: Values) => Promise<Row | undefined> {
  const run = prepared<Row, Values>(db, arity, build);
  return async (...values) => (await run(...values)).rows[0];
}
