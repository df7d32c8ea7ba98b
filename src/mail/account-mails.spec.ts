import { jest } from '@jest/globals';
import { Logger } from '@nestjs/common';
import type { Config } from '../config/config.js';
import { AccountMails, mailLink } from './account-mails.js';
import { MailTransport, type OutgoingMail } from './mail-transport.js';

/** Records every mail; fails every send when `failWith` is set. */
class FakeTransport extends MailTransport {
  readonly sent: OutgoingMail[] = [];
  failWith: Error | undefined;

  async send(mail: OutgoingMail): Promise<void> {
    if (this.failWith) throw this.failWith;
    this.sent.push(mail);
  }
}

const TOKEN = 'q1T-0Ab_9zYxWvUtSrQpOnMlKjIhGfEdCbA87654321';

function setup(frontendUrl = 'https://chat.example') {
  const transport = new FakeTransport();
  const config = {
    mail: { from: 'Nestling <no-reply@localhost>', frontendUrl },
  } as Config;
  return { transport, mails: new AccountMails(transport, config) };
}

describe('mailLink', () => {
  it('is `${frontendUrl}/<purpose>?token=<token>`', () => {
    expect(mailLink('https://chat.example', 'password_reset', TOKEN)).toBe(
      `https://chat.example/password_reset?token=${TOKEN}`,
    );
    expect(mailLink('http://localhost:3000/app/', 'email_change', 'abc')).toBe(
      'http://localhost:3000/app/email_change?token=abc',
    );
  });

  it('encodes a token that is not URL-safe', () => {
    expect(mailLink('https://x.example', 'email_confirmation', 'a+b/c=&d')).toBe(
      'https://x.example/email_confirmation?token=a%2Bb%2Fc%3D%26d',
    );
  });
});

describe('AccountMails', () => {
  afterEach(() => jest.restoreAllMocks());

  it.each([
    [
      'sendEmailConfirmation',
      'Confirm your email address',
      'email_confirmation',
      /confirm your email address/i,
    ],
    ['sendPasswordReset', 'Reset your password', 'password_reset', /reset the password/i],
    ['sendEmailChange', 'Change your email address', 'email_change', /change the email address/i],
  ] as const)('%s sends one mail with the %s link', async (method, subject, purpose, wording) => {
    const { transport, mails } = setup();
    await mails[method]('alice@example.com', TOKEN);
    expect(transport.sent).toHaveLength(1);
    const [mail] = transport.sent;
    expect(mail.to).toBe('alice@example.com');
    expect(mail.subject).toBe(subject);
    expect(mail.text).toMatch(wording);
    // The link stands on a line of its own, so that mail clients make it clickable.
    expect(mail.text.split('\n')).toContain(`https://chat.example/${purpose}?token=${TOKEN}`);
    expect(mail.text.match(/https?:\/\/\S+/g)).toHaveLength(1);
  });

  it('uses the configured frontend URL (default http://localhost:3000)', async () => {
    const { transport, mails } = setup('http://localhost:3000');
    await mails.sendPasswordReset('bob@example.com', 'tok');
    expect(transport.sent[0].text).toContain('http://localhost:3000/password_reset?token=tok\n');
  });

  it('a failing transport: resolves, logs one error naming recipient and purpose, not the token', async () => {
    const errors: string[] = [];
    jest.spyOn(Logger.prototype, 'error').mockImplementation((message: unknown) => {
      errors.push(String(message));
    });
    const { transport, mails } = setup();
    // A server that echoes the message back in its error must not leak the token either.
    transport.failWith = new Error(`connect ECONNREFUSED 127.0.0.1:25 (${TOKEN})`);

    await expect(mails.sendPasswordReset('carol@example.com', TOKEN)).resolves.toBeUndefined();

    expect(errors).toHaveLength(1);
    expect(errors[0]).toContain('carol@example.com');
    expect(errors[0]).toContain('password_reset');
    expect(errors[0]).toContain('ECONNREFUSED');
    expect(errors[0]).not.toContain(TOKEN);
  });

  it('takes any object shaped like MailTransport; a rejected send still resolves', async () => {
    const errors: string[] = [];
    jest.spyOn(Logger.prototype, 'error').mockImplementation((message: unknown) => {
      errors.push(String(message));
    });
    const transport = {
      send: () => Promise.reject(new Error('down')),
    } satisfies MailTransport;
    const mails = new AccountMails(transport, {
      mail: { from: 'x@y', frontendUrl: 'https://chat.example' },
    } as Config);
    await expect(mails.sendEmailChange('dave@example.com', TOKEN)).resolves.toBeUndefined();
    expect(errors).toEqual([expect.stringContaining('email_change to dave@example.com')]);
  });
});
