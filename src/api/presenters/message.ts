import { z } from "zod";

/** The `{"message": "..."}` answer of actions that return nothing else. */
export const messageSchema = z.object({ message: z.string() });

export const urlSchema = z.object({ url: z.string() });
