import { z } from "zod";
import type { Library } from "../../catalog/libraries.js";

/** Lib: a library of the store catalogue. */
export const libSchema = z.object({
  id: z.number(),
  name: z.string(),
  description: z.string(),
  img_url: z.string().nullable(),
  installations_count: z.number(),
  updated_at: z.string(),
}).meta({ id: "Lib" });

/** A library with the number of bots that installed it (from `InstalledLibraries.installationCounts`). */
export function presentLib(lib: Library, installations: Map<number, number>): z.infer<typeof libSchema> {
  return {
    id: lib.id,
    name: lib.name,
    description: lib.description,
    img_url: lib.img_url,
    installations_count: installations.get(lib.id) ?? 0,
    updated_at: lib.updated_at,
  };
}
