import { request } from "undici";
import { describe, expect, it } from "vitest";
import { isPrivateAddress, Outbound } from "../../src/interop/outbound.js";
import { engines, usePlatform } from "../support/platform.js";
import { createBot, signUpClient } from "../support/bots.js";
import { useLoopbackServer } from "../support/loopback.js";

describe("the outbound guard of imports and exports", () => {
  const server = useLoopbackServer((_request, _body, response) => response.end("command\n/x"));

  it("knows private addresses, IPv4, IPv6 and IPv4-mapped", () => {
    for (const address of ["127.0.0.1", "10.1.2.3", "172.20.0.1", "192.168.1.1", "169.254.169.254", "100.64.0.1", "0.0.0.0", "::1", "fd00::1", "fe80::1", "::ffff:127.0.0.1", "not an ip"]) {
      expect(isPrivateAddress(address), address).toBe(true);
    }
    for (const address of ["93.184.216.34", "8.8.8.8", "2606:4700::1111", "::ffff:8.8.8.8"]) expect(isPrivateAddress(address), address).toBe(false);
  });

  it("knows every address BJS's own HTTP guard refuses: IPv4 inside IPv6, cloud metadata on a public address, reserved ranges", () => {
    // A URL BJS hands Bot.importCSV is checked by this guard, not by HTTP.*'s: once it let these through.
    for (const address of ["::7f00:1", "::127.0.0.1", "64:ff9b::a9fe:a9fe", "2002:7f00:1::", "168.63.129.16", "198.18.0.1", "192.0.0.170", "fec0::1", "100::1"]) {
      expect(isPrivateAddress(address), address).toBe(true);
    }
    expect(() => new Outbound(false).check("http://[::127.0.0.1]/sheet.csv", "CSV url")).toThrow("CSV url points to a private address");
  });

  it("refuses private URLs before connecting, and names resolving to one after DNS", async () => {
    const { port } = new URL(server.url);
    const guarded = new Outbound(false);
    expect(() => guarded.check(`http://127.0.0.1:${port}/`, "CSV url")).toThrow("CSV url points to a private address, which this server does not reach (its operator may allow such addresses with IMPORT_ALLOW_PRIVATE_URLS)");
    expect(() => guarded.check("http://[::1]/", "Repository URL")).toThrow("private address");
    expect(() => guarded.check("file:///etc/passwd", "CSV url")).toThrow("CSV url must be http:// or https://");
    // The literal check passes a name; the dispatcher's lookup refuses where it resolves.
    const viaDns = await request(`http://localhost:${port}/`, { dispatcher: guarded.dispatcher }).catch((error: unknown) => error);
    expect(Outbound.refusal(viaDns)).toBe("it points to a private address, which this server does not reach (its operator may allow such addresses with IMPORT_ALLOW_PRIVATE_URLS)");
    await guarded.dispatcher.close();

    // A client that resolves names itself (Git's) gets a URL only if its name resolves now, and only to public addresses.
    const resolving = (answer: () => Promise<{ address: string; family: number }[]>) => new Outbound(false, answer);
    await expect(resolving(async () => [{ address: "127.0.0.1", family: 4 }]).checkResolved("http://git.example/r.git", "Repository URL")).rejects.toThrow("private address");
    await expect(resolving(() => Promise.reject(new Error("ENOTFOUND"))).checkResolved("http://git.example/r.git", "Repository URL")).rejects.toThrow(
      "Repository URL names a host that could not be found (git.example)",
    );
    expect((await resolving(async () => [{ address: "93.184.216.34", family: 4 }]).checkResolved("http://git.example/r.git", "Repository URL")).host).toBe("git.example");

    const open = new Outbound(true);
    expect(open.check(`http://127.0.0.1:${port}/`, "CSV url").port).toBe(port);
    expect(await (await request(`http://localhost:${port}/`, { dispatcher: open.dispatcher })).body.text()).toBe("command\n/x");
    await open.dispatcher.close();
  });
});

describe.each(engines())("imports from private addresses on %s", (engine) => {
  const t = usePlatform(engine);

  it("answer 422 by default, at once, for Git and for CSV (no task starts)", async () => {
    const { api } = await signUpClient(t.app);
    const bot = await createBot(api);
    const git = await api.post(`/v2/bots/${bot.id}/git/import`, { repo_url: "http://127.0.0.1:9/bot.git" });
    expect(git.statusCode).toBe(422);
    expect(git.json()).toEqual({ errors: ["Repository URL points to a private address, which this server does not reach (its operator may allow such addresses with IMPORT_ALLOW_PRIVATE_URLS)"] });
    const csv = await api.post(`/v2/bots/${bot.id}/csv_import`, { csv_url: "http://10.0.0.1/sheet.csv" });
    expect(csv.statusCode).toBe(422);
    expect(csv.json()).toEqual({ errors: ["CSV url points to a private address, which this server does not reach (its operator may allow such addresses with IMPORT_ALLOW_PRIVATE_URLS)"] });
    const ssh = await api.post(`/v2/bots/${bot.id}/git/export`, { repo_url: "git@example.com:me/bot.git" });
    expect(ssh.statusCode).toBe(422);
    // Refused before any task: nothing is left behind that the client was never told of.
    const tasks = await t.platform.database.db.selectFrom("interop_tasks").select("id").where("bot_id", "=", bot.id).execute();
    expect(tasks).toEqual([]);
  });
});
