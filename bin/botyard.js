#!/usr/bin/env -S node --no-node-snapshot
// --no-node-snapshot: isolated-vm (the BJS sandbox) needs V8's startup snapshot off.
import { main } from "../dist/main.js";

await main(process.argv.slice(2));
