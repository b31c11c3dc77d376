#!/usr/bin/env -S node --no-node-snapshot
// --no-node-snapshot: isolated-vm (the BJS sandbox) needs V8's startup snapshot off.
import { existsSync } from "node:fs";

const built = new URL("../dist/main.js", import.meta.url);
if (!existsSync(built)) {
  console.error("botyard: not built yet; `npm ci` (or `npm install`) builds it, and so does `npm run build`.");
  process.exit(1);
}
const { main } = await import(built.href);
await main(process.argv.slice(2));
