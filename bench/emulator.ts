/**
 * How many sendMessage calls/s the emulator answers from concurrent keep-alive clients, next
 * to a bare node:http server answering {"ok":true} under the same load (the baseline).
 * The server runs in a worker thread (its own core), the clients in the main thread. With 2
 * cores the clients may set the pace; "server busy" (the server thread's event-loop
 * utilisation) and "server capacity" (calls/s divided by it) show what the server could take.
 *
 *   npx tsx bench/emulator.ts [--requests 200000] [--concurrency 64]
 *
 * Loopback only; it stops by itself.
 */
import { Agent, createServer, request } from "node:http";
import { parseArgs } from "node:util";
import { isMainThread, parentPort, Worker, workerData } from "node:worker_threads";
import { listenOnLoopback } from "../test/support/net.js";

type Target = "baseline" | "emulator";

interface Ready {
  url: string;
  /** The path and JSON body of each request, cycled through. */
  calls: Array<{ path: string; body: string }>;
}

const CHATS = 100;

/** The server side, in the worker: a bare node:http server, or the emulator with a bot and its chats. */
async function serve(target: Target): Promise<Ready> {
  if (target === "baseline") {
    const server = createServer((req, res) => {
      req.resume(); // read the body, as any real server must
      req.on("end", () => {
        res.writeHead(200, { "content-type": "application/json", "content-length": 11 });
        res.end('{"ok":true}');
      });
    });
    const url = await listenOnLoopback(server);
    return { url, calls: [{ path: "/", body: JSON.stringify({ chat_id: 1, text: "Hello from the benchmark" }) }] };
  }
  const { startEmulator } = await import("../src/telegram/emulator/index.js");
  const emulator = await startEmulator({ limits: { enabled: false } }); // default history: 1,000 messages a chat
  const bot = emulator.control.registerBot({ username: "bench_bot" });
  const calls = Array.from({ length: CHATS }, (_, i) => {
    const user = emulator.control.createUser({ first_name: `User${i}` });
    emulator.control.openPrivateChat({ user_id: user.id, bot_id: bot.user.id });
    return { path: `/bot${bot.token}/sendMessage`, body: JSON.stringify({ chat_id: user.id, text: "Hello from the benchmark" }) };
  });
  return { url: emulator.url, calls };
}

/** Sends `total` requests over `concurrency` keep-alive connections; returns calls/s and latencies. */
async function load(ready: Ready, total: number, concurrency: number): Promise<{ perSecond: number; p50: number; p99: number }> {
  const agent = new Agent({ keepAlive: true, maxSockets: concurrency });
  const { hostname, port } = new URL(ready.url);
  const latencies = new Float64Array(total);
  let next = 0;
  const one = (index: number): Promise<void> =>
    new Promise((resolve, reject) => {
      const call = ready.calls[index % ready.calls.length]!;
      const started = performance.now();
      const req = request(
        { agent, hostname, port, path: call.path, method: "POST", headers: { "content-type": "application/json", "content-length": Buffer.byteLength(call.body) } },
        (res) => {
          if (res.statusCode !== 200) reject(new Error(`HTTP ${res.statusCode} from ${call.path}`));
          res.resume();
          res.on("end", () => {
            latencies[index] = performance.now() - started;
            resolve();
          });
        },
      );
      req.on("error", reject);
      req.end(call.body);
    });
  const worker = async () => {
    while (next < total) await one(next++);
  };
  const started = performance.now();
  await Promise.all(Array.from({ length: concurrency }, worker));
  const seconds = (performance.now() - started) / 1000;
  agent.destroy();
  latencies.sort();
  return { perSecond: total / seconds, p50: latencies[Math.floor(total * 0.5)]!, p99: latencies[Math.floor(total * 0.99)]! };
}

async function measure(target: Target, total: number, concurrency: number) {
  // Workers do not inherit tsx's loader: the stub registers it, then loads this file.
  const stub = `import(${JSON.stringify(import.meta.resolve("tsx/esm/api"))})
    .then((tsx) => { tsx.register(); return import(${JSON.stringify(import.meta.url)}); })`;
  const worker = new Worker(stub, { eval: true, workerData: target });
  const ready = await new Promise<Ready>((resolve, reject) => {
    worker.once("message", resolve);
    worker.once("error", reject);
  });
  await load(ready, Math.min(20_000, total), concurrency); // warm-up: JIT, sockets
  const before = worker.performance.eventLoopUtilization();
  const result = await load(ready, total, concurrency);
  // How busy the server thread was: near 1 means the server, not the clients, set the pace.
  const busy = worker.performance.eventLoopUtilization(before).utilization;
  await worker.terminate();
  return { ...result, busy };
}

if (isMainThread) {
  const { values } = parseArgs({
    options: { requests: { type: "string", default: "200000" }, concurrency: { type: "string", default: "64" } },
  });
  const total = Number(values.requests);
  const concurrency = Number(values.concurrency);
  console.log(`${total} POSTs over ${concurrency} keep-alive connections, server in a worker thread (limits off)\n`);
  const baseline = await measure("baseline", total, concurrency);
  const emulator = await measure("emulator", total, concurrency);
  const row = (result: typeof baseline) => ({
    "calls/s": Math.round(result.perSecond),
    "p50 ms": +result.p50.toFixed(2),
    "p99 ms": +result.p99.toFixed(2),
    "server busy": `${Math.round(result.busy * 100)}%`,
    "server capacity/s": Math.round(result.perSecond / result.busy), // if its thread were busy all the time
  });
  console.table({ "bare node:http {ok:true}": row(baseline), "emulator sendMessage": row(emulator) });
  const ratio = emulator.perSecond / baseline.perSecond;
  const met = emulator.perSecond >= 10_000 ? "met" : "NOT met";
  console.log(`emulator / baseline = ${ratio.toFixed(2)}; target >= 10,000 sendMessage/s: ${met}`);
} else {
  parentPort!.postMessage(await serve(workerData as Target));
}
