import { mkdir, writeFile } from "node:fs/promises";
import { join } from "node:path";
import nodemailer from "nodemailer";
import type { Logger } from "pino";
import { randomToken } from "./secrets.js";

export interface Mail {
  to: string;
  subject: string;
  text: string;
}

/** Sends the platform's mails (password resets). */
export interface Mailer {
  send(mail: Mail): Promise<void>;
  close(): void;
}

/** Delivers through SMTP (`SMTP_URL`, e.g. `smtp://user:pass@host:587`). */
function smtpMailer(smtpUrl: string, from: string): Mailer {
  const transport = nodemailer.createTransport(smtpUrl);
  return {
    async send(mail) {
      await transport.sendMail({ from, ...mail });
    },
    close: () => transport.close(),
  };
}

/** Without SMTP: each mail becomes a `.eml` file in the outbox folder, and a log line says where. */
function outboxMailer(folder: string, from: string, log: Logger): Mailer {
  return {
    async send(mail) {
      await mkdir(folder, { recursive: true });
      const file = join(folder, `${new Date().toISOString().replace(/[:.]/g, "-")}-${randomToken(6)}.eml`);
      const message = `From: ${from}\r\nTo: ${mail.to}\r\nSubject: ${mail.subject}\r\n\r\n${mail.text}\r\n`;
      await writeFile(file, message, { mode: 0o600 });
      // The body can hold a reset token: the log names the file, never the contents.
      log.info({ to: mail.to, subject: mail.subject, file }, "mail written to the outbox (SMTP_URL is not set)");
    },
    close: () => {},
  };
}

export function createMailer(options: { smtpUrl?: string; from: string; dataDir: string; log: Logger }): Mailer {
  return options.smtpUrl
    ? smtpMailer(options.smtpUrl, options.from)
    : outboxMailer(join(options.dataDir, "outbox"), options.from, options.log);
}
