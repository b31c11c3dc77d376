import { z } from "zod";
import { nestsDeeperThan } from "../../json-depth.js";
import { jsonMayHoldFlaw, mendedText, textFlawAt } from "../../text-flaws.js";
import { actionSchema, type Action } from "../actions.js";
import type { Body } from "./body.js";
import { ERROR_LIMITS, outputCap, type ExecutionLimits, type RawOutcome } from "./isolate-host.js";

/** An uncaught BJS failure, located in the segment (`@`, the command, `@@`) it came from. */
export interface BjsError {
  name: string;
  message: string;
  /** The stack with body lines mapped to `segment:line:column`; only BJS frames. */
  stack: string;
  segment: string | null;
  line: number | null;
  timedOut: boolean;
  outOfMemory: boolean;
}

/** What an execution produced. Actions queued before an error are kept (nothing is rolled back). */
export interface ExecutionResult {
  actions: Action[];
  error?: BjsError;
  /** The names the execution's libraries registered with `on` (spec/bjs.md §6.1). */
  handlers: string[];
  /** Characters of output that reached the platform, read or refused. */
  outputChars: number;
}

/** Deepest nesting accepted in an output; Telegram's deepest parameters are about 6 levels. */
export const MAX_OUTPUT_DEPTH = 32;

const errorShape = z.object({
  name: z.string(),
  message: z.string(),
  stack: z.string().optional(),
  compile: z.boolean().optional(),
});
const outputShape = z.object({ actions: z.array(z.unknown()), error: errorShape.nullable(), handlers: z.array(z.string().min(1).max(255)).max(100).optional() });

const bounded = (text: string, length: number) => (text.length > length ? `${text.slice(0, length)}…` : text);

/**
 * Turns what a sandbox process answered into the execution's result. Trusts none of it: the
 * output must fit the size cap in UTF-8 bytes (what is sent), nest no deeper than
 * MAX_OUTPUT_DEPTH, and every action must parse with its schema; the error is cut to bounded
 * text and its stack keeps only BJS frames, mapped to segments; no action may hold text the
 * two engines cannot store alike (text-flaws.ts: NUL, a lone surrogate; an error's are mended).
 * How the run was cut off comes from the host (`stop`), never from the isolate.
 */
export function readOutcome(raw: RawOutcome, body: Body, limits: ExecutionLimits, timeoutMs: number): ExecutionResult {
  const actions: Action[] = [];
  let handlers: string[] = [];
  let error: BjsError | undefined;
  const refuse = (message: string) => (error = plainError(message));

  if (raw.oversized) refuse(tooLarge(limits));
  // No output and no stop: collecting it failed (the isolate's own code threw).
  else if (raw.output === null && raw.stop === undefined) refuse("Command stopped: the platform could not collect its output");
  if (raw.output !== null) {
    const output = parseOutput(raw.output, limits);
    if (typeof output === "string") refuse(output);
    else {
      handlers = output.handlers ?? [];
      // One look at the text spares walking every value of an output that holds no flaw.
      const mayHoldFlaw = jsonMayHoldFlaw(raw.output);
      for (const [index, candidate] of output.actions.entries()) {
        const flawed = mayHoldFlaw && textFlawAt(candidate, "its root");
        if (flawed) {
          refuse(`The execution's action ${index + 1} was refused: ${flawed.field} ${flawed.flaw}`);
          break;
        }
        const parsed = actionSchema.safeParse(candidate);
        if (!parsed.success) {
          refuse(`The execution's action ${index + 1} was refused: ${parsed.error.issues[0]?.message ?? "invalid"} at ${parsed.error.issues[0]?.path.join(".") || "its root"}`);
          break;
        }
        actions.push(parsed.data);
      }
      if (output.error && !error) error = fromIsolate(output.error, body, raw.syntax);
    }
  }
  if (raw.rejected !== undefined && !error) refuse(`An async function failed after the body ended: ${bounded(raw.rejected, ERROR_LIMITS.message)}`);
  if (raw.stop === "timeout") error = { ...plainError(`Command timed out: BJS ran longer than ${timeoutMs / 1000} s`), timedOut: true };
  if (raw.stop === "memory") error = { ...plainError("Command stopped: BJS used more memory than allowed"), outOfMemory: true };
  if (raw.stop === "crash") error = { ...plainError("Command stopped: BJS used more memory than allowed at once, and its sandbox was replaced"), outOfMemory: true };
  const outputChars = raw.output?.length ?? 0;
  return error ? { actions, error: mendedError(error), handlers, outputChars } : { actions, handlers, outputChars };
}

/** An error whose text both engines store alike (see mendedText), for the error log. */
function mendedError(error: BjsError): BjsError {
  return { ...error, name: mendedText(error.name), message: mendedText(error.message), stack: mendedText(error.stack) };
}

const tooLarge = (limits: ExecutionLimits) => `The execution's output is too large (the limit is ${limits.maxActionBytes} bytes)`;

/** The parsed output, or why it is refused. */
function parseOutput(text: string, limits: ExecutionLimits): z.infer<typeof outputShape> | string {
  const bytes = Buffer.byteLength(text);
  if (bytes > outputCap(limits)) return tooLarge(limits);
  if (nestsDeeperThan(text, MAX_OUTPUT_DEPTH)) return `The execution's output nests deeper than ${MAX_OUTPUT_DEPTH} levels`;
  let parsed: z.infer<typeof outputShape>;
  try {
    const shape = outputShape.safeParse(JSON.parse(text));
    if (!shape.success) return "The execution's output was malformed";
    parsed = shape.data;
  } catch {
    return "The execution's output was malformed";
  }
  if (parsed.actions.length > limits.maxActions) return `Too many actions in one execution (the limit is ${limits.maxActions})`;
  // Only an output past the cap is measured again, on its actions alone (the error has its own room).
  if (bytes > limits.maxActionBytes && Buffer.byteLength(JSON.stringify(parsed.actions)) > limits.maxActionBytes) return tooLarge(limits);
  return parsed;
}

function plainError(message: string): BjsError {
  return { name: "Error", message, stack: `Error: ${message}`, segment: null, line: null, timedOut: false, outOfMemory: false };
}

/** A BJS error as the isolate described it, bounded, located and with its stack mapped. */
function fromIsolate(described: z.infer<typeof errorShape>, body: Body, syntax: string | undefined): BjsError {
  const name = bounded(described.name, 100);
  if (described.compile) {
    // The compiler's own message carries the position: "Unexpected token '=' [bjs:4:5]".
    const message = bounded((syntax ?? described.message).replace(/ \[bjs:\d+:\d+\]$/, ""), ERROR_LIMITS.message);
    const at = body.locateIn(syntax);
    return { name, message, stack: `${name}: ${message}`, segment: at?.segment ?? null, line: at?.line ?? null, timedOut: false, outOfMemory: false };
  }
  const message = bounded(described.message, ERROR_LIMITS.message);
  const stack = body.mapStack(bounded(described.stack || `${name}: ${message}`, ERROR_LIMITS.message * 4));
  const at = body.locateIn(described.stack);
  return { name, message, stack, segment: at?.segment ?? null, line: at?.line ?? null, timedOut: false, outOfMemory: false };
}
