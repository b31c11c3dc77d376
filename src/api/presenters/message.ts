import { z } from "zod";

/** The `{"message": "..."}` answer of actions that return nothing else. */
export const messageSchema = z.object({ message: z.string() }).meta({ id: "Message" });

/** The `{"url": "..."}` answer of the Telegram login and link endpoints. */
export const urlSchema = z.object({ url: z.string() }).meta({ id: "Url" });
