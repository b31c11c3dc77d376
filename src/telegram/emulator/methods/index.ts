import type { Method } from "../context.js";
import { chatMethods } from "./chats.js";
import { editMethods } from "./edits.js";
import { mediaMethods } from "./media.js";
import { messageMethods } from "./messages.js";
import { profileMethods } from "./profile.js";
import { queryMethods } from "./queries.js";
import { updateMethods } from "./updates.js";

const all: Record<string, Method> = {
  ...profileMethods,
  ...updateMethods,
  ...messageMethods,
  ...mediaMethods,
  ...editMethods,
  ...chatMethods,
  ...queryMethods,
};

/** Every Bot API method the emulator speaks, by lower-case name (Telegram ignores case). */
export const methods: ReadonlyMap<string, Method> = new Map(
  Object.entries(all).map(([name, method]) => [name.toLowerCase(), method]),
);
