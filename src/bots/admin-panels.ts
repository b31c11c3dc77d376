import type { Kysely, Selectable } from "kysely";
import type { Secrets } from "../accounts/secrets.js";
import type { Logger } from "pino";
import { isoNow, type Clock } from "../clock.js";
import type { AdminPanelsTable, Schema } from "../db/schema.js";
import { fetchPage, type Page, type Window } from "../db/paging.js";
import { NotFoundError, ValidationError } from "../errors.js";
import type { Bot } from "./bots.js";

/** The field types of spec/bjs.md §7. */
export const FIELD_TYPES = ["string", "text", "integer", "float", "password", "checkbox"] as const;
export type FieldType = (typeof FIELD_TYPES)[number];

/** A field of a panel with its current value. */
export interface PanelField {
  name: string;
  title: string | null;
  description: string | null;
  placeholder: string | null;
  type: FieldType;
  value: unknown;
  hidden: boolean;
  icon: string | null;
}

/** The command that runs after the owner saves the panel, as the given user when there is one. */
export interface OnSaving {
  command: string;
  user_id?: number;
}

/** The `data` of `AdminPanel.setPanel` (BJS). */
export interface PanelDefinition {
  title?: string | null;
  description?: string | null;
  index?: number | null;
  icon?: string | null;
  button_title?: string | null;
  on_saving?: OnSaving | null;
  fields?: Partial<PanelField>[] | null;
}

/** A panel with its definition parsed. */
export type AdminPanel = Omit<Selectable<AdminPanelsTable>, "fields" | "on_saving"> & { fields: PanelField[]; on_saving: OnSaving | null };

/** What happens after the owner saves panel values: the runtime runs the panel's `on_saving` command. */
export type PanelSavedHook = (bot: Bot, panel: AdminPanel, values: Record<string, unknown>) => Promise<void>;

/** The largest panel definition (fields with their values, as JSON), in bytes. */
export const MAX_PANEL_BYTES = 64 * 1024;
/** Panels one bot may have. */
export const MAX_PANELS = 100;

/** The value the API shows in place of a password, and that, sent back, keeps the password. */
export const MASKED_PASSWORD = "********";

/** A password value as stored: sealed with the platform's key (accounts/secrets.ts), so the database holds no password in clear. */
interface SealedValue {
  sealed: string;
}

const isSealed = (value: unknown): value is SealedValue => typeof value === "object" && value !== null && typeof (value as SealedValue).sealed === "string";

/** The fields with each password field's value passed through `change`, the others as they are. */
const withPasswords = (fields: PanelField[], change: (value: unknown) => unknown): PanelField[] =>
  fields.map((field) => (field.type === "password" ? { ...field, value: change(field.value) } : field));

/** A panel's values by field name (`AdminPanel.getPanelValues`). */
export function panelValues(panel: AdminPanel): Record<string, unknown> {
  return Object.fromEntries(panel.fields.map((field) => [field.name, field.value]));
}

/** A number written in decimals, as a form's field holds one (Number() also reads `0x10`, `0b1` and `Infinity`). */
const DECIMAL = /^\s*[-+]?(\d+\.?\d*|\.\d+)([eE][-+]?\d+)?\s*$/;

/** A value for a field, converted to the field's type (form input arrives as text); throws a sentence. */
export function fieldValue(field: PanelField, value: unknown): unknown {
  if (value === null) return null;
  const number = typeof value === "string" && DECIMAL.test(value) ? Number(value) : value;
  const fail = (what: string) => new ValidationError([`${field.name} must be ${what}`]);
  switch (field.type) {
    case "string":
    case "text":
    case "password":
      if (typeof value !== "string") throw fail("a string");
      return value;
    case "integer":
      if (typeof number !== "number" || !Number.isSafeInteger(number)) throw fail("a whole number");
      return number;
    case "float":
      if (typeof number !== "number" || !Number.isFinite(number)) throw fail("a number");
      return number;
    case "checkbox":
      if (typeof value === "boolean") return value;
      if (value === "true" || value === "false") return value === "true";
      throw fail("true or false");
  }
}

/** A field definition from BJS, with defaults filled and its type checked. */
function fieldOf(field: Partial<PanelField>): PanelField {
  if (typeof field.name !== "string" || field.name === "") throw new ValidationError(["Every admin panel field needs a name"]);
  const type = field.type ?? "string";
  if (!FIELD_TYPES.includes(type)) throw new ValidationError([`Field ${field.name} has an unknown type: ${type}`]);
  const defined: PanelField = {
    name: field.name,
    title: field.title ?? null,
    description: field.description ?? null,
    placeholder: field.placeholder ?? null,
    type,
    value: null,
    hidden: field.hidden === true,
    icon: field.icon ?? null,
  };
  return { ...defined, value: field.value === undefined ? null : fieldValue(defined, field.value) };
}

/** Each bot's admin panels (spec/bjs.md §7): definitions written by BJS, values edited by the owner. */
export class AdminPanelStore {
  constructor(
    private readonly db: Kysely<Schema>,
    private readonly clock: Clock,
    private readonly secrets: Secrets,
  ) {}

  /** A panel as stored, its password values opened (one stored before they were sealed is read as it is). */
  private parse(row: Selectable<AdminPanelsTable>): AdminPanel {
    const fields = withPasswords(JSON.parse(row.fields) as PanelField[], (value) => (isSealed(value) ? this.secrets.unseal(value.sealed) : value));
    return { ...row, fields, on_saving: row.on_saving ? (JSON.parse(row.on_saving) as OnSaving) : null };
  }

  /** A panel's fields as stored, passwords sealed; refused when larger than a panel may be (by a definition or by values saved into it). */
  private storedFields(panelName: string, fields: PanelField[]): string {
    const stored = withPasswords(fields, (value) => (typeof value === "string" && value !== "" ? { sealed: this.secrets.seal(value) } : value));
    const json = JSON.stringify(stored);
    if (Buffer.byteLength(json) > MAX_PANEL_BYTES) throw new ValidationError([`Admin panel ${panelName} is too large (the limit is ${MAX_PANEL_BYTES} bytes of fields and values)`]);
    return json;
  }

  /**
   * Creates or redefines a panel (`AdminPanel.setPanel`). Fields that existed keep their
   * values unless `force` is set.
   */
  async setPanel(botId: number, name: string, data: PanelDefinition, options: { force?: boolean } = {}): Promise<Pick<AdminPanel, "id" | "name">> {
    if (name === "") throw new ValidationError(["Admin panel name can't be blank"]);
    const old = await this.db.selectFrom("admin_panels").select("fields").where("bot_id", "=", botId).where("name", "=", name).executeTakeFirst();
    // Kept values as stored: a sealed password stays sealed (BJS may define a panel hundreds of times a run), opened only for a field that is no longer a password.
    const kept = new Map<string, unknown>();
    if (old && !options.force) for (const field of JSON.parse(old.fields) as PanelField[]) if (!kept.has(field.name)) kept.set(field.name, field.value);
    const fields = (data.fields ?? []).map(fieldOf).map((field) => {
      if (!kept.has(field.name)) return field;
      const value = kept.get(field.name);
      return { ...field, value: isSealed(value) && field.type !== "password" ? this.secrets.unseal(value.sealed) : value };
    });
    const fieldsJson = this.storedFields(name, fields);
    if (!old && (await this.count(botId)) >= MAX_PANELS) throw new ValidationError([`A bot may have ${MAX_PANELS} admin panels at most`]);
    const now = isoNow(this.clock);
    const definition = {
      title: data.title ?? null,
      description: data.description ?? null,
      position: Number.isSafeInteger(data.index) ? data.index! : 0,
      icon: data.icon ?? null,
      button_title: data.button_title ?? null,
      fields: fieldsJson,
      on_saving: data.on_saving?.command ? JSON.stringify({ command: data.on_saving.command, ...(data.on_saving.user_id && { user_id: data.on_saving.user_id }) }) : null,
      updated_at: now,
    };
    const row = await this.db
      .insertInto("admin_panels")
      .values({ bot_id: botId, name, ...definition, created_at: now })
      .onConflict((oc) => oc.columns(["bot_id", "name"]).doUpdateSet(definition))
      .returning(["id", "name"])
      .executeTakeFirstOrThrow();
    return row;
  }

  private async count(botId: number): Promise<number> {
    const row = await this.db.selectFrom("admin_panels").select((eb) => eb.fn.countAll<number>().as("n")).where("bot_id", "=", botId).executeTakeFirstOrThrow();
    return Number(row.n);
  }

  /** The bot's panel with that name (`AdminPanel.getPanel`). */
  async byName(botId: number, name: string): Promise<AdminPanel | undefined> {
    const row = await this.db.selectFrom("admin_panels").selectAll().where("bot_id", "=", botId).where("name", "=", name).executeTakeFirst();
    return row && this.parse(row);
  }

  /** The bot's panel with that id. */
  async byId(botId: number, id: number): Promise<AdminPanel | undefined> {
    const row = await this.db.selectFrom("admin_panels").selectAll().where("bot_id", "=", botId).where("id", "=", id).executeTakeFirst();
    return row && this.parse(row);
  }

  /** One page of the bot's panels, ordered by their index. */
  async list(botId: number, window: Window): Promise<Page<AdminPanel>> {
    const page = await fetchPage(this.db.selectFrom("admin_panels").selectAll().where("bot_id", "=", botId).orderBy("position").orderBy("id"), window);
    return { items: page.items.map((row) => this.parse(row)), total: page.total };
  }

  /**
   * Sets field values, each checked against its field's type; all problems are reported at
   * once. A masked password sent back keeps the stored one.
   */
  async setValues(panel: AdminPanel, values: Record<string, unknown>): Promise<AdminPanel> {
    return this.db.transaction().execute(async (trx) => {
      // Saves of one panel queue on its row (a no-op write locks it on PostgreSQL; SQLite runs one
      // transaction at a time) and merge into the fields as they are then, so two saves of
      // different fields (the dashboard, AdminPanel.setFieldValue) both land.
      const locked = await trx.updateTable("admin_panels").set({ id: panel.id }).where("id", "=", panel.id).executeTakeFirst();
      // Deleted since it was read (AdminPanel.deletePanel from a run meanwhile).
      if (locked.numUpdatedRows === 0n) throw new NotFoundError("Admin panel");
      const current = this.parse(await trx.selectFrom("admin_panels").selectAll().where("id", "=", panel.id).executeTakeFirstOrThrow());
      const problems: string[] = [];
      const fields = new Map(current.fields.map((field) => [field.name, { ...field }]));
      for (const [name, value] of Object.entries(values)) {
        const field = fields.get(name);
        if (!field) problems.push(`${name} is not a field of this panel`);
        else if (!(field.type === "password" && value === MASKED_PASSWORD)) {
          try {
            field.value = fieldValue(field, value);
          } catch (error) {
            if (!(error instanceof ValidationError)) throw error;
            problems.push(...error.problems);
          }
        }
      }
      if (problems.length > 0) throw new ValidationError(problems);
      const row = await trx
        .updateTable("admin_panels")
        .set({ fields: this.storedFields(panel.name, [...fields.values()]), updated_at: isoNow(this.clock) })
        .where("id", "=", panel.id)
        .returningAll()
        .executeTakeFirstOrThrow();
      return this.parse(row);
    });
  }

  /** Deletes the bot's panel with that name (`AdminPanel.deletePanel`); answers whether there was one. */
  async deletePanel(botId: number, name: string): Promise<boolean> {
    const result = await this.db.deleteFrom("admin_panels").where("bot_id", "=", botId).where("name", "=", name).executeTakeFirst();
    return result.numDeletedRows > 0n;
  }

  /**
   * Sets one field's value (`AdminPanel.setFieldValue`); answers false when the panel or the
   * field does not exist (it is not created).
   */
  async setFieldValue(botId: number, panelName: string, fieldName: string, value: unknown): Promise<boolean> {
    const panel = await this.byName(botId, panelName);
    if (!panel?.fields.some((field) => field.name === fieldName)) return false;
    await this.setValues(panel, { [fieldName]: value });
    return true;
  }
}

/** The owner's side of admin panels: saving values as pressing Save in the app does. */
export class AdminPanelService {
  /** Runs after values are saved; the runtime replaces it to run the panel's `on_saving` command. */
  onPanelSaved: PanelSavedHook;

  constructor(
    readonly store: AdminPanelStore,
    log: Logger,
  ) {
    this.onPanelSaved = async (bot, panel) => {
      if (panel.on_saving) log.info({ bot_id: bot.id, panel: panel.name, command: panel.on_saving.command }, "admin panel saved; no runtime to run its on_saving command");
    };
  }

  /** Stores the values (checked against the field types), then calls `onPanelSaved` with all of the panel's values. */
  async saveValues(bot: Bot, panelId: number, values: Record<string, unknown>): Promise<AdminPanel> {
    const panel = await this.store.byId(bot.id, panelId);
    if (!panel) throw new NotFoundError("Admin panel");
    const saved = await this.store.setValues(panel, values);
    await this.onPanelSaved(bot, saved, panelValues(saved));
    return saved;
  }
}
