import { applyDecorators } from '@nestjs/common';
import { Transform } from 'class-transformer';
import { IsString, Matches, MaxLength, MinLength, ValidateBy } from 'class-validator';

/** Special characters a password must contain one of. */
export const PASSWORD_SPECIALS = "!@#$%^&*+`~'";
const EMAIL = /^[^\s@]+@[^\s@]+\.[^\s@]+$/;
const SPECIAL = /[!@#$%^&*+`~']/;

/**
 * A named rule. Each needs its own name: class-validator keys messages by constraint name, so
 * two `@Matches` on one property would keep only one message.
 */
const rule = (name: string, test: (value: string) => boolean, message: string) =>
  ValidateBy({
    name,
    validator: { validate: (v) => typeof v === 'string' && test(v), defaultMessage: () => message },
  });

const bytes = (value: string) => Buffer.byteLength(value, 'utf8');

const trimmed = Transform(({ value }: { value: unknown }) =>
  typeof value === 'string' ? value.trim() : value,
);

/** An email address: at most 160 characters, `x@domain.tld`. Compared case-insensitively. */
export const IsAccountEmail = () =>
  applyDecorators(
    trimmed,
    IsString({ message: 'is invalid' }),
    MaxLength(160, { message: 'must be at most 160 characters long' }),
    Matches(EMAIL, { message: 'must be a valid email' }),
  );

/** 12–72 bytes (bcrypt's limit) with a lowercase, an uppercase, a digit and a special. */
export const IsAccountPassword = () =>
  applyDecorators(
    IsString({ message: 'is invalid' }),
    rule('passwordMinBytes', (v) => bytes(v) >= 12, 'should be at least 12 byte(s)'),
    rule('passwordMaxBytes', (v) => bytes(v) <= 72, 'should be at most 72 byte(s)'),
    rule('passwordLowercase', (v) => /[a-z]/.test(v), 'must contain a lowercase letter'),
    rule('passwordUppercase', (v) => /[A-Z]/.test(v), 'must contain an uppercase letter'),
    rule('passwordDigit', (v) => /\d/.test(v), 'must contain at least one number'),
    rule('passwordSpecial', (v) => SPECIAL.test(v), `must contain one of ${PASSWORD_SPECIALS}`),
  );

/** 3–20 characters once trimmed. */
export const IsDisplayName = () =>
  applyDecorators(
    trimmed,
    IsString({ message: 'is invalid' }),
    MinLength(3, { message: 'should be at least 3 character(s)' }),
    MaxLength(20, { message: 'should be at most 20 character(s)' }),
  );

/** The display name of a new account that gave none: the email's local part, else the email. */
export function defaultDisplayName(email: string): string {
  const local = email.split('@')[0].slice(0, 20);
  return local.length >= 3 ? local : email.slice(0, 20);
}
