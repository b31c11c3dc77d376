import { z } from "zod";
import { PROPERTY_SCOPES, PROPERTY_TYPES, propertyJson, propertyScope, type Property, type PropertyType } from "../../bots/properties.js";

/** Property: its value as JSON (a datetime as its ISO string). */
export const propertySchema = z.object({
  id: z.number(),
  name: z.string(),
  value: z.unknown(),
  value_type: z.enum(PROPERTY_TYPES),
  scope: z.enum(PROPERTY_SCOPES),
  user_id: z.number().nullable(),
  created_at: z.string(),
  updated_at: z.string(),
}).meta({ id: "Property" });

export function presentProperty(property: Property): z.infer<typeof propertySchema> {
  const scope = propertyScope(property);
  return {
    id: property.id,
    name: property.name,
    value: propertyJson(property),
    value_type: property.value_type as PropertyType,
    scope,
    user_id: scope === "bot" ? null : property.user_id,
    created_at: property.created_at,
    updated_at: property.updated_at,
  };
}
