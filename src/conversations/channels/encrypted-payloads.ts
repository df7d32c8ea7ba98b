import { p, type PayloadIssue, PAYLOAD_MESSAGES, PayloadSchema } from '../../realtime/index.js';

/** The largest ciphertext accepted per recipient: 8 KiB of base64 text. */
export const MAX_CIPHERTEXT_CHARS = 8192;
/** Entries one `encrypted_messages` may hold (the member limit is checked by the service). */
const MAX_ENTRIES = 1000;

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;
/** Standard base64 with padding, as the browser's `btoa` writes it. */
const BASE64 = /^(?:[A-Za-z0-9+/]{4})*(?:[A-Za-z0-9+/]{2}==|[A-Za-z0-9+/]{3}=)?$/;

/** Issue messages the chat error mapping recognizes (chatPayloadError). */
export const ENCRYPTED_MESSAGES = {
  recipient: 'is not a user id',
  ciphertext: 'is not base64',
  tooLarge: PAYLOAD_MESSAGES.tooLong(MAX_CIPHERTEXT_CHARS),
} as const;

type Path = PayloadIssue['path'];

/**
 * `encrypted_messages`: `{<recipient user id>: <base64 ciphertext>}`, ids lower-cased, each
 * ciphertext 1 to 8192 base64 characters. Whether the recipients are the right ones is the
 * service's business (it knows the members).
 */
class CiphertextsSchema extends PayloadSchema<Record<string, string>> {
  check(value: unknown, path: Path, issues: PayloadIssue[]) {
    const base = p.record().check(value, path, issues);
    if (typeof base !== 'object') return base;
    const entries = Object.entries(base);
    if (entries.length > MAX_ENTRIES) {
      issues.push({ path, message: PAYLOAD_MESSAGES.tooMany(MAX_ENTRIES) });
      return {};
    }
    const output: Record<string, string> = {};
    for (const [key, ciphertext] of entries) {
      const at = [...path, key];
      if (!UUID.test(key)) issues.push({ path: at, message: ENCRYPTED_MESSAGES.recipient });
      else if (typeof ciphertext !== 'string' || ciphertext === '')
        issues.push({ path: at, message: PAYLOAD_MESSAGES.invalid });
      else if (ciphertext.length > MAX_CIPHERTEXT_CHARS)
        issues.push({ path: at, message: ENCRYPTED_MESSAGES.tooLarge });
      else if (!BASE64.test(ciphertext))
        issues.push({ path: at, message: ENCRYPTED_MESSAGES.ciphertext });
      else output[key.toLowerCase()] = ciphertext;
    }
    return output;
  }
}

/**
 * One event name, two payload contracts: `encrypted` when the payload has `key`, else `plain`
 * (the plain protocol keeps its exact contract and errors).
 */
class EitherSchema<A, B> extends PayloadSchema<A | B> {
  constructor(
    private readonly key: string,
    private readonly encrypted: PayloadSchema<B>,
    private readonly plain: PayloadSchema<A>,
  ) {
    super();
  }

  check(value: unknown, path: Path, issues: PayloadIssue[]) {
    const has =
      typeof value === 'object' &&
      value !== null &&
      (value as Record<string, unknown>)[this.key] !== undefined &&
      Object.hasOwn(value, this.key);
    return has ? this.encrypted.check(value, path, issues) : this.plain.check(value, path, issues);
  }
}

export const ciphertexts = (): PayloadSchema<Record<string, string>> => new CiphertextsSchema();

export const either = <A, B>(
  key: string,
  encrypted: PayloadSchema<B>,
  plain: PayloadSchema<A>,
): PayloadSchema<A | B> => new EitherSchema(key, encrypted, plain);
