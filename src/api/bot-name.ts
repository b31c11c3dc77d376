import { z } from "zod";
import { MAX_BOT_NAME, showsAsName } from "../bots/bots.js";

/** A bot's name as the API takes it: trimmed, 1 to MAX_BOT_NAME characters that show as a name. */
export const botNameSchema = z
  .string()
  .trim()
  .min(1)
  .max(MAX_BOT_NAME)
  .refine((name) => name === "" || showsAsName(name), "Name must show a visible character, and hold no control character");
