import { createInterface } from "node:readline/promises";
import type { CliCommand } from "./command.js";
import { CliError } from "./errors.js";
import { parseOptions } from "./options.js";
import { defaultServer, saveCredentials } from "./remote/credentials.js";
import { RemoteApi } from "./remote/remote-api.js";

const usage = `Usage: botyard login [--server URL] [--api-key=KEY]

Checks an api key with the server and keeps both in $XDG_CONFIG_HOME/botyard (else
~/.config/botyard), readable by you alone, for pull, push and logs.

Options:
  --server URL    a server that speaks the Bots.Business API v2 (default $BOTYARD_URL,
                  else http://localhost:3000)
  --api-key=KEY   the api key (GET /v2/user shows it); asked for when left out
                  (write it with '=': a key may start with '-')`;

/** `botyard login`: saves a checked api key. */
export const loginCommand: CliCommand = {
  name: "login",
  summary: "Save the server URL and your api key for pull, push and logs",
  usage,
  async run(args) {
    const values = parseOptions(args, { server: { type: "string" }, "api-key": { type: "string" } });
    const server = values.server ?? defaultServer();
    const apiKey = (values["api-key"] ?? (await ask("Api key: "))).trim();
    if (!apiKey) throw new CliError("an api key is needed (--api-key=KEY)");
    const user = await new RemoteApi(server, apiKey).request<{ email: string }>("GET", "v2/user");
    const path = await saveCredentials({ server, api_key: apiKey });
    console.log(`Logged in to ${server} as ${user.email} (saved in ${path})`);
  },
};

async function ask(question: string): Promise<string> {
  if (!process.stdin.isTTY) throw new CliError("an api key is needed (--api-key=KEY)");
  const prompt = createInterface({ input: process.stdin, output: process.stdout });
  try {
    return await prompt.question(question);
  } finally {
    prompt.close();
  }
}
