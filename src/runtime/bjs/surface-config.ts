import { coreLibGlobals, LIB_ALIASES, storeLibNames } from "../../catalog/lib-sources.js";
import { KEYBOARD_ONLY_TEXT } from "../answer.js";
import { CHATLESS_METHODS, RENAMED_METHODS, TELEGRAM_METHODS } from "./telegram-methods.js";

/** What the BJS surface (surface.ts) is installed with, beside an execution's caps: plain data, copied into every realm. */
export function surfaceConfig<Limits extends { maxActions: number; maxActionBytes: number }>(limits: Limits) {
  return {
    ...limits,
    telegramMethods: TELEGRAM_METHODS,
    chatlessMethods: CHATLESS_METHODS,
    renamedMethods: RENAMED_METHODS,
    keyboardOnlyText: KEYBOARD_ONLY_TEXT,
    libraries: { store: storeLibNames(), aliases: LIB_ALIASES, globals: coreLibGlobals() },
  };
}
