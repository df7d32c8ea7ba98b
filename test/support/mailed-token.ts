import request from 'supertest';
import { sleep } from './phoenix-client.js';

/**
 * The token of the newest `${FRONTEND_URL}/<purpose>?token=…` link mailed to `to`, read from the
 * development mailbox; polls (some mails are sent after the answer) for at most `timeoutMs`.
 */
export async function mailedToken(
  baseUrl: string,
  to: string,
  purpose: 'email_confirmation' | 'password_reset' | 'email_change',
  timeoutMs = 2000,
): Promise<string> {
  const link = new RegExp(`/${purpose}\\?token=([A-Za-z0-9_-]{43})`);
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const { body } = await request(baseUrl).get('/dev/mailbox').expect(200);
    for (const mail of body.mails as Array<{ to: string; text: string }>) {
      const match = mail.to === to ? link.exec(mail.text) : null;
      if (match !== null) return match[1];
    }
    if (Date.now() > deadline) throw new Error(`no ${purpose} mail to ${to}`);
    await sleep(50);
  }
}
