import { englishDataset, englishRecommendedTransformers, RegExpMatcher } from 'obscenity';
import { RallyError } from './rally-error.js';

const profanity = new RegExpMatcher({
  ...englishDataset.build(),
  ...englishRecommendedTransformers,
});

/** Nicknames: trimmed; empty → null; else 3–20 characters and no profanity. */
export function nickname(value: unknown): string | null {
  if (value === null) return null;
  if (typeof value !== 'string')
    throw RallyError.invalidAttribute('nickname', 'Nickname must be a string');
  const trimmed = value.trim();
  if (trimmed === '') return null;
  const length = [...trimmed].length;
  if (length < 3 || length > 20) {
    throw RallyError.invalidAttribute(
      'nickname',
      'Nickname must be between 3 and 20 characters long',
    );
  }
  if (profanity.hasMatch(trimmed))
    throw RallyError.invalidAttribute('nickname', 'Nickname contains profanity');
  return trimmed;
}

/** Stamp counts: a non-negative integer, or a string of digits (cast). */
export function stampsCollected(value: unknown): number {
  const number = typeof value === 'string' && /^\d{1,15}$/.test(value) ? Number(value) : value;
  if (typeof number !== 'number' || !Number.isSafeInteger(number) || number < 0) {
    throw RallyError.invalidAttribute(
      'stamps_collected',
      'stamps_collected must be a non-negative integer',
    );
  }
  return number;
}
