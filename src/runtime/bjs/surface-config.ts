import { coreLibGlobals, LIB_ALIASES, storeLibNames } from "../../catalog/lib-sources.js";
import { KEYBOARD_ONLY_TEXT } from "../answer.js";
import { MAX_STORED_OPTIONS_BYTES } from "../run-request.js";
import { CHATLESS_METHODS, RENAMED_METHODS, TELEGRAM_METHODS } from "./telegram-methods.js";

/**
 * The per-execution globals of spec/bjs.md §2.2, as the surface defines them on the global
 * object: the execution's context, data only (inert-body.ts counts on it).
 */
export const CONTEXT_NAMES: readonly string[] = ["data", "message", "params", "options", "command", "user", "chat", "bot", "request", "tgUpdate", "owner", "admins", "iteration_quota", "payment_plan", "completed_commands_count", "BB_API_URL", "content", "http_status", "http_headers", "cookies"];

/** What the BJS surface (surface.ts) is installed with, beside an execution's caps: plain data, copied into every realm. */
export function surfaceConfig<Limits extends { maxActions: number; maxActionBytes: number }>(limits: Limits) {
  return {
    ...limits,
    maxStoredOptionsBytes: MAX_STORED_OPTIONS_BYTES,
    telegramMethods: TELEGRAM_METHODS,
    chatlessMethods: CHATLESS_METHODS,
    renamedMethods: RENAMED_METHODS,
    keyboardOnlyText: KEYBOARD_ONLY_TEXT,
    contextNames: CONTEXT_NAMES,
    libraries: { store: storeLibNames(), aliases: LIB_ALIASES, globals: coreLibGlobals() },
  };
}
