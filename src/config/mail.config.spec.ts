import { ConfigError } from './env-validation.js';
import { mailConfig } from './mail.config.js';

function problem(env: Record<string, string>): string {
  try {
    mailConfig(env);
  } catch (error) {
    expect(error).toBeInstanceOf(ConfigError);
    const message = (error as Error).message;
    expect(message).not.toContain('\n');
    return message;
  }
  throw new Error('expected a ConfigError');
}

describe('mailConfig', () => {
  it('has documented defaults: no SMTP (development mailbox)', () => {
    expect(mailConfig({})).toEqual({
      smtpUrl: undefined,
      from: 'Nestling <no-reply@localhost>',
      frontendUrl: 'http://localhost:3000',
    });
    expect(mailConfig({ SMTP_URL: '', FRONTEND_URL: '', MAIL_FROM: '' }).smtpUrl).toBeUndefined();
  });

  it('reads SMTP_URL, MAIL_FROM and FRONTEND_URL', () => {
    expect(
      mailConfig({
        SMTP_URL: 'smtps://user:p%40ss@smtp.example.com:465',
        MAIL_FROM: 'Chat <chat@example.com>',
        FRONTEND_URL: 'https://chat.example.com',
      }),
    ).toEqual({
      smtpUrl: 'smtps://user:p%40ss@smtp.example.com:465',
      from: 'Chat <chat@example.com>',
      frontendUrl: 'https://chat.example.com',
    });
    expect(mailConfig({ SMTP_URL: 'smtp://127.0.0.1:2525' }).smtpUrl).toBe('smtp://127.0.0.1:2525');
  });

  it('drops trailing slashes from FRONTEND_URL, keeping a path', () => {
    expect(mailConfig({ FRONTEND_URL: 'https://chat.example/' }).frontendUrl).toBe(
      'https://chat.example',
    );
    expect(mailConfig({ FRONTEND_URL: 'http://localhost:3000/app//' }).frontendUrl).toBe(
      'http://localhost:3000/app',
    );
  });

  it('rejects an SMTP_URL that is not smtp(s):// with one line that does not echo it', () => {
    for (const value of [
      'http://user:hunter2@mail.example',
      'not a url hunter2',
      'smtp://',
      'mail.example:25',
    ]) {
      const message = problem({ SMTP_URL: value });
      expect(message).toMatch(
        /^Invalid configuration: SMTP_URL must be an smtp:\/\/ or smtps:\/\/ URL/,
      );
      expect(message).not.toContain('hunter2');
    }
  });

  it('rejects a FRONTEND_URL that is not a plain http(s) URL', () => {
    for (const value of [
      'chat.example',
      'ftp://chat.example',
      'https://chat.example/?a=1',
      'https://chat.example/#x',
    ]) {
      expect(problem({ FRONTEND_URL: value })).toMatch(
        /^Invalid configuration: FRONTEND_URL must be an http:\/\/ or https:\/\/ URL .*\(got "/,
      );
    }
  });

  it('rejects a MAIL_FROM without an address', () => {
    expect(problem({ MAIL_FROM: 'Nestling' })).toMatch(/^Invalid configuration: MAIL_FROM must /);
  });
});
