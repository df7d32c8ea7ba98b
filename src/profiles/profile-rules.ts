import { applyDecorators } from '@nestjs/common';
import { ArrayMaxSize, IsArray, IsBoolean, ValidateBy } from 'class-validator';
import { INVALID } from '../common/validation/field-errors.pipe.js';
import { THEMES } from './user-profile.entity.js';

export const MIN_MAGNIFICATION = 0.7;
export const MAX_MAGNIFICATION = 1.4;
export const MAX_RECENTS = 20;
export const MAX_RECENT_LENGTH = 200;

const rule = (name: string, test: (value: unknown) => boolean, message: string) =>
  ValidateBy({ name, validator: { validate: test, defaultMessage: () => message } });

/** Characters as PostgreSQL counts them (code points), not UTF-16 units. */
const length = (value: string) => [...value].length;

/** A JSON boolean; anything else is "is invalid". */
export const IsHidden = () => IsBoolean({ message: INVALID });

/** Exactly `auto`, `day` or `night` (the original's regex accepted far more). */
export const IsTheme = () =>
  rule(
    'profileTheme',
    (v) => typeof v === 'string' && (THEMES as readonly string[]).includes(v),
    `must be one of ${THEMES.join(', ')}`,
  );

/** A JSON number in [0.7, 1.4]; a numeric string is refused. Stored rounded to one decimal. */
export const IsMagnification = () =>
  rule(
    'profileMagnification',
    (v) => typeof v === 'number' && v >= MIN_MAGNIFICATION && v <= MAX_MAGNIFICATION,
    `must be a number between ${MIN_MAGNIFICATION} and ${MAX_MAGNIFICATION}`,
  );

/**
 * At most 20 strings of at most 200 characters each (paths such as `/chat/<uuid>`, newest
 * first). NUL characters are refused: PostgreSQL text cannot hold them.
 */
export const IsRecents = () =>
  applyDecorators(
    IsArray({ message: INVALID }),
    ArrayMaxSize(MAX_RECENTS, { message: `should have at most ${MAX_RECENTS} item(s)` }),
    rule(
      'recentsItems',
      (v) =>
        Array.isArray(v) &&
        v.every((item) => typeof item === 'string' && length(item) <= MAX_RECENT_LENGTH),
      `each item must be a string of at most ${MAX_RECENT_LENGTH} characters`,
    ),
    rule(
      'recentsText',
      (v) =>
        Array.isArray(v) && v.every((item) => typeof item !== 'string' || !item.includes('\0')),
      'each item must not contain NUL characters',
    ),
  );

/** Rounds to the one decimal `numeric(2,1)` keeps, so the answer is what a re-read returns. */
export function roundMagnification(value: number): number {
  return Math.round(value * 10) / 10;
}
