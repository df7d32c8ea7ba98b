import { SMTPServer } from 'smtp-server';
import { freePort } from './free-port.js';

export interface Received {
  from: string;
  to: string[];
  /** The raw message, quoted-printable soft breaks and escapes undone. */
  message: string;
}

/** Undoes quoted-printable (soft line breaks, `=XX` escapes); enough for ASCII mails. */
export function decodeQuotedPrintable(raw: string): string {
  return raw
    .replace(/=\r?\n/g, '')
    .replace(/=([0-9A-F]{2})/g, (_, hex: string) => String.fromCharCode(parseInt(hex, 16)));
}

/** A real SMTP server on 127.0.0.1 that keeps every message it accepts. */
export async function startSmtpServer(): Promise<{
  port: number;
  received: Received[];
  close(): Promise<void>;
}> {
  const received: Received[] = [];
  const server = new SMTPServer({
    authOptional: true,
    disabledCommands: ['STARTTLS'],
    logger: false,
    onData(stream, session, callback) {
      const chunks: Buffer[] = [];
      stream.on('data', (chunk: Buffer) => chunks.push(chunk));
      stream.on('end', () => {
        const { mailFrom, rcptTo } = session.envelope;
        received.push({
          from: mailFrom ? mailFrom.address : '',
          to: rcptTo.map((r) => r.address),
          message: decodeQuotedPrintable(Buffer.concat(chunks).toString('utf8')),
        });
        callback();
      });
    },
  });
  const port = await freePort();
  await new Promise<void>((resolve) => server.listen(port, '127.0.0.1', resolve));
  return {
    port,
    received,
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}

/** The token in a received mail's link for `purpose` (e.g. `password_reset`). */
export function tokenFromMail(mail: Received, purpose: string): string {
  const match = new RegExp(`/${purpose}\\?token=([A-Za-z0-9_-]{43})`).exec(mail.message);
  if (!match) throw new Error(`no ${purpose} link in mail to ${mail.to.join(', ')}`);
  return match[1];
}

/** Waits for the `n`th mail (1-based) to arrive. */
export async function waitForMail(
  received: Received[],
  n: number,
  timeoutMs = 5000,
): Promise<Received> {
  const started = Date.now();
  while (received.length < n) {
    if (Date.now() - started > timeoutMs) throw new Error(`mail ${n} did not arrive`);
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
  return received[n - 1];
}
