import { describe, expect, it } from "vitest";
import { scene, telegramError } from "./harness.js";

describe("media", () => {
  it("uploads a photo (multipart), reuses its file_id, and serves it through getFile", async () => {
    const { api, emulator, bot, alice } = await scene();
    const form = new FormData();
    form.set("chat_id", String(alice.id));
    form.set("caption", "*cat*");
    form.set("parse_mode", "Markdown");
    form.set("photo", new Blob([Buffer.from("jpeg-bytes")], { type: "image/jpeg" }), "cat.jpg");
    const sent = await (await fetch(`${emulator.apiRoot}/bot${bot.token}/sendPhoto`, { method: "POST", body: form })).json();
    expect(sent.ok).toBe(true);
    expect(sent.result.caption).toBe("cat");
    expect(sent.result.caption_entities).toEqual([{ type: "bold", offset: 0, length: 3 }]);
    const [photo] = sent.result.photo;
    expect(photo).toMatchObject({ file_size: 10, width: expect.any(Number), height: expect.any(Number) });

    const again = await api("sendPhoto", { chat_id: alice.id, photo: photo.file_id });
    expect(again.body.result.photo[0].file_id).toBe(photo.file_id);

    const file = (await api("getFile", { file_id: photo.file_id })).body.result;
    expect(file).toEqual({ file_id: photo.file_id, file_unique_id: photo.file_unique_id, file_size: 10, file_path: expect.any(String) });
    const download = await fetch(`${emulator.url}/file/bot${bot.token}/${file.file_path}`);
    expect(download.status).toBe(200);
    expect(await download.text()).toBe("jpeg-bytes");
    expect(await api("getFile", { file_id: "nope" })).toEqual(telegramError(400, "Bad Request: invalid file_id"));
  });

  it("sends each media kind by URL and refuses an unknown file_id", async () => {
    const { api, alice } = await scene();
    for (const kind of ["document", "video", "audio", "voice", "animation", "sticker"]) {
      const sent = await api(`send${kind[0]!.toUpperCase()}${kind.slice(1)}`, { chat_id: alice.id, [kind]: `https://example.com/f.${kind}` });
      expect(sent.body.result[kind]).toMatchObject({ file_id: expect.any(String), file_unique_id: expect.any(String) });
    }
    expect(await api("sendDocument", { chat_id: alice.id, document: "unknown-id" })).toEqual(
      telegramError(400, "Bad Request: wrong file identifier/HTTP URL specified"),
    );
  });

  it("sends a media group mixing attach:// uploads and URLs, with one media_group_id", async () => {
    const { emulator, bot, alice, api } = await scene();
    const form = new FormData();
    form.set("chat_id", String(alice.id));
    form.set("media", JSON.stringify([
      { type: "photo", media: "attach://one", caption: "first" },
      { type: "photo", media: "https://example.com/two.jpg" },
    ]));
    form.set("one", new Blob([Buffer.from("1")]), "one.jpg");
    const sent = await (await fetch(`${emulator.apiRoot}/bot${bot.token}/sendMediaGroup`, { method: "POST", body: form })).json();
    expect(sent.result).toHaveLength(2);
    expect(sent.result[0].caption).toBe("first");
    expect(sent.result[0].media_group_id).toBe(sent.result[1].media_group_id);
    expect(sent.result[1].message_id).toBe(sent.result[0].message_id + 1);
    expect((await api("sendMediaGroup", { chat_id: alice.id, media: [{ type: "photo", media: "https://x/1" }] })).body.description).toBe(
      "Bad Request: wrong number of media in the media group",
    );
  });
});
