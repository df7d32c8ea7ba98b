import request from 'supertest';
import { AccountMails } from '../src/mail/account-mails.js';
import { DevMailbox } from '../src/mail/dev-mailbox.js';
import { MailTransport } from '../src/mail/mail-transport.js';
import { startTestApp, type TestApp } from './support/test-app.js';

// 32 random bytes, base64url without padding, as the accounts flows issue them.
const TOKEN_1 = 'Zq3xV8b-N0_pL5yT2wK9mR4cJ7hD1sF6gA3eU0iO8nQ';
const TOKEN_2 = 'aB1-cD2_eF3gH4iJ5kL6mN7oP8qR9sT0uV1wX2yZ3a4';
const TOKEN_3 = 'Xx9_yY8-zZ7wW6vV5uU4tT3sS2rR1qQ0pP9oO8nN7m6';

// Log assertions are made on the first app of this file only: nestjs-pino keeps one root logger
// per module registry (per test file), so an app booted later logs into the first app's sink.
describe('development mailbox (SMTP_URL unset)', () => {
  let t: TestApp;

  beforeAll(async () => {
    t = await startTestApp();
  });
  afterAll(() => t?.close());

  it('keeps the mails and lists them newest first at GET /dev/mailbox', async () => {
    const mails = t.app.get(AccountMails);
    await mails.sendEmailConfirmation('alice@example.com', TOKEN_1);
    await mails.sendPasswordReset('bob@example.com', TOKEN_2);
    await mails.sendEmailChange('carol@example.com', TOKEN_3);

    const res = await request(t.url).get('/dev/mailbox').expect(200);
    expect(res.body.mails.map((m: { to: string }) => m.to)).toEqual([
      'carol@example.com',
      'bob@example.com',
      'alice@example.com',
    ]);
    const [change, reset, confirmation] = res.body.mails;
    expect(Object.keys(confirmation).sort()).toEqual(['sent_at', 'subject', 'text', 'to']);
    expect(confirmation.subject).toBe('Confirm your email address');
    expect(confirmation.text).toContain(
      `http://localhost:3000/email_confirmation?token=${TOKEN_1}\n`,
    );
    expect(reset.text).toContain(`http://localhost:3000/password_reset?token=${TOKEN_2}\n`);
    expect(change.text).toContain(`http://localhost:3000/email_change?token=${TOKEN_3}\n`);
    expect(new Date(change.sent_at).toISOString()).toBe(change.sent_at);
    expect(change.sent_at >= confirmation.sent_at).toBe(true);
  });

  it('logs one info line per mail with the recipient and subject, never the body or token', () => {
    const lines = t.logs.filter((l) => String(l.msg).includes('bob@example.com'));
    expect(lines).toHaveLength(1);
    expect(lines[0]).toMatchObject({ level: 30, context: 'Mail' });
    expect(lines[0].msg).toContain('Reset your password');
    const text = t.logText();
    expect(text).toContain('alice@example.com');
    expect(text).toContain('carol@example.com');
    for (const token of [TOKEN_1, TOKEN_2, TOKEN_3]) expect(text).not.toContain(token);
    expect(text).not.toContain('/password_reset?');
  });

  it('DELETE /dev/mailbox empties it (204)', async () => {
    await request(t.url).delete('/dev/mailbox').expect(204);
    const res = await request(t.url).get('/dev/mailbox').expect(200);
    expect(res.body).toEqual({ mails: [] });
  });

  it('keeps the last 100 mails', async () => {
    const mailbox = t.app.get(DevMailbox);
    expect(t.app.get(MailTransport)).toBe(mailbox);
    for (let i = 1; i <= 105; i++) {
      await mailbox.send({ to: `user${i}@example.com`, subject: `Mail ${i}`, text: 'body' });
    }
    const res = await request(t.url).get('/dev/mailbox').expect(200);
    expect(res.body.mails).toHaveLength(100);
    expect(res.body.mails[0].subject).toBe('Mail 105');
    expect(res.body.mails[99].subject).toBe('Mail 6');
    await request(t.url).delete('/dev/mailbox').expect(204);
  });

  it('is documented in OpenAPI under the dev tag', async () => {
    const doc = await request(t.url).get('/docs/openapi.json').expect(200);
    const path = doc.body.paths['/dev/mailbox'];
    expect(path.get.tags).toEqual(['dev']);
    expect(path.get.responses['200']).toBeDefined();
    expect(path.delete.responses['204']).toBeDefined();
  });
});

describe('development mailbox in production', () => {
  let t: TestApp;

  beforeAll(async () => {
    // TEST_ENV provides JWT_SECRET and startTestApp the DATABASE_URL, both required here.
    t = await startTestApp({
      NODE_ENV: 'production',
      HOLOQUEST_API_TOKEN: 'holoquest-api-token-0123456789',
      ADMIN_API_TOKEN: 'holoquest-admin-token-0123456789',
    });
  });
  afterAll(() => t?.close());

  it('GET and DELETE /dev/mailbox answer 404, and OpenAPI does not list them', async () => {
    await request(t.url).get('/dev/mailbox').expect(404);
    await request(t.url).delete('/dev/mailbox').expect(404);
    const doc = await request(t.url).get('/docs/openapi.json').expect(200);
    expect(Object.keys(doc.body.paths)).not.toContain('/dev/mailbox');
  });

  it('without SMTP_URL, mails still go to the in-memory mailbox (sending never fails)', async () => {
    await t.app.get(AccountMails).sendPasswordReset('alice@example.com', TOKEN_1);
    const mailbox = t.app.get(DevMailbox);
    expect(t.app.get(MailTransport)).toBe(mailbox);
    expect(mailbox.list().map((m) => m.to)).toEqual(['alice@example.com']);
  });
});
