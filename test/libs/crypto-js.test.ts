import { createHash, createHmac } from "node:crypto";
import { describe, expect, it } from "vitest";
import { useLibraryBots } from "../support/libraries.js";

// CryptoJS keeps nothing: one engine is enough.
describe.each(["sqlite"] as const)("CryptoJS on %s", (engine) => {
  const { libraryBot } = useLibraryBots(engine);

  it("is core: hashes, HMAC and encodings agree with Node's crypto, under Libs.CryptoJS and the global name, with nothing installed", async () => {
    const b = await libraryBot({
      commands: [
        { command: "/hmac", bjs_code: 'Bot.sendMessage(CryptoJS.HmacSHA256(params, "key").toString(CryptoJS.enc.Hex), {parse_mode: null})' },
        { command: "/sha512", bjs_code: 'Bot.sendMessage(Libs.CryptoJS.HmacSHA512(params, "k2").toString(), {parse_mode: null})' },
        { command: "/md5", bjs_code: "Bot.sendMessage(CryptoJS.MD5(params).toString(), {parse_mode: null})" },
        { command: "/b64", bjs_code: "Bot.sendMessage(CryptoJS.SHA256(params).toString(CryptoJS.enc.Base64) + ' ' + CryptoJS.enc.Base64.stringify(CryptoJS.enc.Utf8.parse(params)), {parse_mode: null})" },
      ],
    });
    const text = "hello world";
    expect(await b.say(`/hmac ${text}`)).toEqual([createHmac("sha256", "key").update(text).digest("hex")]);
    expect(await b.say(`/sha512 ${text}`)).toEqual([createHmac("sha512", "k2").update(text).digest("hex")]);
    expect(await b.say(`/md5 ${text}`)).toEqual([createHash("md5").update(text).digest("hex")]);
    expect(await b.say(`/b64 ${text}`)).toEqual([`${createHash("sha256").update(text).digest("base64")} ${Buffer.from(text).toString("base64")}`]);
  });

  it("AES with a passphrase round-trips, and two encryptions differ (random salt)", async () => {
    const b = await libraryBot({
      commands: [
        {
          command: "/aes",
          bjs_code: 'let a = CryptoJS.AES.encrypt(params, "secret").toString(); let c = CryptoJS.AES.encrypt(params, "secret").toString(); Bot.sendMessage([CryptoJS.AES.decrypt(a, "secret").toString(CryptoJS.enc.Utf8), a !== c].join("|"), {parse_mode: null})',
        },
      ],
    });
    expect(await b.say("/aes top secret ✓")).toEqual(["top secret ✓|true"]);
  });

  it("installed from the store (as older imports did) it is the same library", async () => {
    const b = await libraryBot({ install: ["CryptoJS"], commands: [{ command: "/h", bjs_code: "Bot.sendMessage(CryptoJS.SHA1(params).toString() + ' ' + (Libs.CryptoJS === CryptoJS), {parse_mode: null})" }] });
    expect(await b.say("/h abc")).toEqual([`${createHash("sha1").update("abc").digest("hex")} true`]);
  });
});
