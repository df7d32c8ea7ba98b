import request from 'supertest';
import { AccountMails } from '../src/mail/account-mails.js';
import { DevMailbox } from '../src/mail/dev-mailbox.js';
import { MailTransport } from '../src/mail/mail-transport.js';
import { startSmtpServer } from './support/smtp-server.js';
import { startTestApp, type TestApp } from './support/test-app.js';

// 32 random bytes, base64url without padding, as the accounts flows issue them.
const TOKEN_1 = 'Zq3xV8b-N0_pL5yT2wK9mR4cJ7hD1sF6gA3eU0iO8nQ';
const TOKEN_2 = 'aB1-cD2_eF3gH4iJ5kL6mN7oP8qR9sT0uV1wX2yZ3a4';
const TOKEN_3 = 'Xx9_yY8-zZ7wW6vV5uU4tT3sS2rR1qQ0pP9oO8nN7m6';

describe('mail over SMTP (SMTP_URL set)', () => {
  let smtp: Awaited<ReturnType<typeof startSmtpServer>>;
  let t: TestApp;

  beforeAll(async () => {
    smtp = await startSmtpServer();
    t = await startTestApp({
      SMTP_URL: `smtp://127.0.0.1:${smtp.port}`,
      FRONTEND_URL: 'https://chat.example',
      MAIL_FROM: 'Chat <no-reply@chat.example>',
    });
  });
  afterAll(async () => {
    await t?.close();
    await smtp?.close();
  });

  it.each([
    ['sendEmailConfirmation', 'Confirm your email address', 'email_confirmation', TOKEN_1],
    ['sendPasswordReset', 'Reset your password', 'password_reset', TOKEN_2],
    ['sendEmailChange', 'Change your email address', 'email_change', TOKEN_3],
  ] as const)('%s delivers one mail with the link', async (method, subject, purpose, token) => {
    const before = smtp.received.length;
    await t.app.get(AccountMails)[method]('alice@example.com', token);
    expect(smtp.received).toHaveLength(before + 1);
    const mail = smtp.received[before];
    expect(mail.from).toBe('no-reply@chat.example');
    expect(mail.to).toEqual(['alice@example.com']);
    expect(mail.message).toMatch(/^From: Chat <no-reply@chat\.example>\r?$/m);
    expect(mail.message).toMatch(/^To: alice@example\.com\r?$/m);
    expect(mail.message).toContain(`Subject: ${subject}\r\n`);
    expect(mail.message).toMatch(/^Content-Type: text\/plain/m);
    expect(mail.message).toContain(`https://chat.example/${purpose}?token=${token}\r\n`);
  });

  it('has no development mailbox', async () => {
    expect(t.app.get(MailTransport)).not.toBeInstanceOf(DevMailbox);
    await request(t.url).get('/dev/mailbox').expect(404);
    await request(t.url).delete('/dev/mailbox').expect(404);
    const doc = await request(t.url).get('/docs/openapi.json').expect(200);
    expect(Object.keys(doc.body.paths)).not.toContain('/dev/mailbox');
  });

  it('never logs bodies or tokens', () => {
    const text = t.logText();
    for (const token of [TOKEN_1, TOKEN_2, TOKEN_3]) expect(text).not.toContain(token);
  });

  it('when the SMTP server is down, a send resolves and logs one error without the token', async () => {
    await smtp.close();
    await expect(
      t.app.get(AccountMails).sendPasswordReset('bob@example.com', TOKEN_2),
    ).resolves.toBeUndefined();
    const errors = t.logs.filter(
      (l) => l.level === 50 && String(l.msg).includes('bob@example.com'),
    );
    expect(errors).toHaveLength(1);
    expect(errors[0].msg).toContain('password_reset');
    expect(t.logText()).not.toContain(TOKEN_2);
  });
});
