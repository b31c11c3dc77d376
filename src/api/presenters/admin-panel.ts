import { z } from "zod";
import { FIELD_TYPES, MASKED_PASSWORD, type AdminPanel, type PanelField } from "../../bots/admin-panels.js";

/** A panel field with its value; a password's value is masked. */
export const panelFieldSchema = z.object({
  name: z.string(),
  title: z.string().nullable(),
  description: z.string().nullable(),
  placeholder: z.string().nullable(),
  type: z.enum(FIELD_TYPES),
  value: z.unknown(),
  hidden: z.boolean(),
}).meta({ id: "AdminPanelField" });

/** AdminPanel: `name` is the BJS panel_name. */
export const adminPanelSchema = z.object({
  id: z.number(),
  bot_id: z.number(),
  name: z.string(),
  title: z.string().nullable(),
  description: z.string().nullable(),
  index: z.number(),
  button_title: z.string().nullable(),
  fields: z.array(panelFieldSchema),
  on_saving: z.object({ command: z.string(), user_id: z.number().optional() }).nullable(),
  created_at: z.string(),
  updated_at: z.string(),
}).meta({ id: "AdminPanel" });

function presentField(field: PanelField): z.infer<typeof panelFieldSchema> {
  const masked = field.type === "password" && field.value !== null && field.value !== "";
  return {
    name: field.name,
    title: field.title,
    description: field.description,
    placeholder: field.placeholder,
    type: field.type,
    value: masked ? MASKED_PASSWORD : field.value,
    hidden: field.hidden,
  };
}

export function presentAdminPanel(panel: AdminPanel): z.infer<typeof adminPanelSchema> {
  return {
    id: panel.id,
    bot_id: panel.bot_id,
    name: panel.name,
    title: panel.title,
    description: panel.description,
    index: panel.position,
    button_title: panel.button_title,
    fields: panel.fields.map(presentField),
    on_saving: panel.on_saving,
    created_at: panel.created_at,
    updated_at: panel.updated_at,
  };
}
