import { randomBytes } from "node:crypto";
import type { Message } from "@grammyjs/types";
import type { Method, MethodContext } from "../context.js";
import { badRequest } from "../errors.js";
import type { StoredFile } from "../files.js";
import type { Params } from "../params.js";
import { caption, send, takeSendSlot, targetRoom, replyMarkup } from "./outgoing.js";

/** The media kinds, by the field that carries the file in both the method and the Message. */
type MediaKind = "photo" | "document" | "video" | "audio" | "voice" | "animation" | "sticker";

/** The Message field describing a stored file of a kind; sizes come from parameters or defaults. */
export function mediaContent(kind: MediaKind, file: StoredFile, params?: Params): Partial<Message> {
  const ids = { file_id: file.file_id, file_unique_id: file.file_unique_id, ...(file.file_size !== undefined && { file_size: file.file_size }) };
  const named = { ...(file.file_name && { file_name: file.file_name }), ...(file.mime_type && { mime_type: file.mime_type }) };
  const duration = params?.integer("duration") ?? 0;
  const frame = { width: params?.integer("width") ?? 1280, height: params?.integer("height") ?? 720 };
  switch (kind) {
    case "photo":
      return { photo: [{ ...ids, ...frame }] };
    case "document":
      return { document: { ...ids, ...named } };
    case "video":
      return { video: { ...ids, ...named, ...frame, duration } };
    case "animation":
      return { animation: { ...ids, ...named, ...frame, duration } };
    case "audio":
      return { audio: { ...ids, ...named, duration, title: params?.string("title"), performer: params?.string("performer") } };
    case "voice":
      return { voice: { ...ids, duration, ...(file.mime_type && { mime_type: file.mime_type }) } };
    case "sticker":
      return { sticker: { ...ids, type: "regular", width: 512, height: 512, is_animated: false, is_video: false } };
  }
}

/** sendPhoto, sendDocument...: the file (upload, URL or file_id), a caption unless a sticker. */
function sendMedia(kind: MediaKind): Method {
  return (ctx) => {
    const file = ctx.world.files.input(kind, ctx.params, ctx.params.raw[kind], kind);
    return send(ctx, { ...mediaContent(kind, file, ctx.params), ...(kind !== "sticker" && caption(ctx)) });
  };
}

interface InputMedia {
  type: MediaKind;
  media: string;
  caption?: string;
  parse_mode?: string;
}

/** A media group: 2-10 photos, videos, documents or audios sent as one album. */
function sendMediaGroup(ctx: MethodContext): Message[] {
  const media = ctx.params.json<InputMedia[]>("media") ?? [];
  if (!Array.isArray(media) || media.length < 2 || media.length > 10) throw badRequest("wrong number of media in the media group");
  const contents = media.map((item) => {
    if (!["photo", "video", "document", "audio"].includes(item?.type)) throw badRequest("unsupported media type in the media group");
    const file = ctx.world.files.input(item.type, ctx.params, item.media, "media");
    return { ...mediaContent(item.type, file), ...caption(ctx, item.caption, item.parse_mode) };
  });
  if (ctx.params.has("reply_markup")) replyMarkup(ctx); // validated, but albums carry no keyboard
  const room = targetRoom(ctx);
  takeSendSlot(ctx, room);
  const media_group_id = randomBytes(8).readBigUInt64BE().toString();
  return contents.map((content) => ctx.world.addMessage(room, ctx.bot.user, { media_group_id, ...content }));
}

/** Sending files, and getFile for downloading them from /file/bot<token>/<file_path>. */
export const mediaMethods: Record<string, Method> = {
  sendPhoto: sendMedia("photo"),
  sendDocument: sendMedia("document"),
  sendVideo: sendMedia("video"),
  sendAudio: sendMedia("audio"),
  sendVoice: sendMedia("voice"),
  sendAnimation: sendMedia("animation"),
  sendSticker: sendMedia("sticker"),
  sendMediaGroup,

  getFile: (ctx) => {
    const file = ctx.world.files.get(ctx.params.string("file_id") ?? "");
    if (!file) throw badRequest("invalid file_id");
    const { file_id, file_unique_id, file_size, file_path } = file;
    return { file_id, file_unique_id, ...(file_size !== undefined && { file_size }), file_path };
  },
};
