import {
  Allow,
  IsOptional,
  Matches,
  Validate,
  ValidatorConstraint,
  type ValidatorConstraintInterface,
} from 'class-validator';
import { ConfigError, type Env, validateEnv } from './env-validation.js';

/** Parses `value` as a URL with one of `protocols` and a host, or returns undefined. */
function parseUrl(value: unknown, protocols: string[]): URL | undefined {
  if (typeof value !== 'string') return undefined;
  try {
    const url = new URL(value);
    return protocols.includes(url.protocol) && url.hostname !== '' ? url : undefined;
  } catch {
    return undefined;
  }
}

@ValidatorConstraint({ name: 'frontendUrl' })
class FrontendUrlConstraint implements ValidatorConstraintInterface {
  validate(value: unknown): boolean {
    const url = parseUrl(value, ['http:', 'https:']);
    // Links are built as `${FRONTEND_URL}/<purpose>?token=…`: no query or fragment to break them.
    return url !== undefined && !/[?#]/.test(String(value));
  }

  defaultMessage(): string {
    return 'FRONTEND_URL must be an http:// or https:// URL with a host and no query or fragment';
  }
}

class MailEnv {
  /** Validated by hand below: its value may hold a password, so errors never echo it. */
  @Allow() SMTP_URL?: string;

  @IsOptional()
  @Matches(/^[^\r\n]*@[^\r\n]+$/, {
    message: 'MAIL_FROM must be one line with an address, like "Nestling <no-reply@example.com>"',
  })
  MAIL_FROM?: string;

  @IsOptional() @Validate(FrontendUrlConstraint) FRONTEND_URL?: string;
}

export interface MailConfig {
  /** smtp:// or smtps:// URL of the mail server; undefined: the in-memory development mailbox. */
  smtpUrl?: string;
  /** The From header of every mail. */
  from: string;
  /** Base of the links in mails, without a trailing slash. */
  frontendUrl: string;
}

export function mailConfig(env: Env): MailConfig {
  const e = validateEnv(MailEnv, env);
  if (e.SMTP_URL !== undefined && parseUrl(e.SMTP_URL, ['smtp:', 'smtps:']) === undefined) {
    throw new ConfigError(
      'SMTP_URL',
      'must be an smtp:// or smtps:// URL with a host (value not shown: it may hold a password)',
    );
  }
  return {
    smtpUrl: e.SMTP_URL,
    from: e.MAIL_FROM ?? 'Nestling <no-reply@localhost>',
    frontendUrl: (e.FRONTEND_URL ?? 'http://localhost:3000').replace(/\/+$/, ''),
  };
}
