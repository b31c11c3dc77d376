import { SMTPServer } from "smtp-server";
import { afterAll, beforeAll } from "vitest";
import { listenOnLoopback } from "./net.js";

export interface ReceivedMail {
  to: string[];
  raw: string;
}

/** A real SMTP server on a free local port that keeps every mail it receives. */
export function useSmtpPeer() {
  const inbox: ReceivedMail[] = [];
  const state = { url: "" };
  let server: SMTPServer;
  beforeAll(async () => {
    server = new SMTPServer({
      authOptional: true,
      disabledCommands: ["STARTTLS"],
      logger: false,
      onData(stream, session, callback) {
        const chunks: Buffer[] = [];
        stream.on("data", (chunk: Buffer) => chunks.push(chunk));
        stream.on("end", () => {
          inbox.push({ to: session.envelope.rcptTo.map((r) => r.address), raw: Buffer.concat(chunks).toString("utf8") });
          callback();
        });
      },
    });
    state.url = (await listenOnLoopback(server.server)).replace(/^http:/, "smtp:");
  });
  afterAll(() => new Promise<void>((resolve) => server.close(() => resolve())));
  return {
    inbox,
    get url() {
      return state.url;
    },
  };
}
