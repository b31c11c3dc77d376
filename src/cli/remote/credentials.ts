import { existsSync } from "node:fs";
import { chmod, mkdir, readFile, writeFile } from "node:fs/promises";
import { homedir } from "node:os";
import { join } from "node:path";
import { CliError } from "../errors.js";

/** Where `botyard login` keeps the server and api key. */
export interface Credentials {
  server: string;
  api_key: string;
}

/** The server the commands talk to unless told otherwise: BOTYARD_URL, else a local Botyard. */
export function defaultServer(): string {
  return process.env.BOTYARD_URL ?? "http://localhost:3000";
}

/** `$XDG_CONFIG_HOME/botyard`, else `~/.config/botyard`. */
export function configDir(): string {
  return join(process.env.XDG_CONFIG_HOME || join(homedir(), ".config"), "botyard");
}

const file = () => join(configDir(), "credentials.json");

/** The saved credentials; a CliError that says to log in when there are none. */
export async function loadCredentials(): Promise<Credentials> {
  if (!existsSync(file())) throw new CliError("not logged in; run 'botyard login' first");
  try {
    const saved = JSON.parse(await readFile(file(), "utf8")) as Credentials;
    if (typeof saved.server === "string" && typeof saved.api_key === "string") return saved;
  } catch {
    // Fall through: a damaged file is the same as none.
  }
  throw new CliError(`${file()} is damaged; run 'botyard login' again`);
}

/** Saves the credentials readable by the user alone (the api key is a password). */
export async function saveCredentials(credentials: Credentials): Promise<string> {
  await mkdir(configDir(), { recursive: true, mode: 0o700 });
  await writeFile(file(), `${JSON.stringify(credentials, null, 2)}\n`, { mode: 0o600 });
  await chmod(file(), 0o600);
  return file();
}
