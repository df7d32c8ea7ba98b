import { findUnstorableText, isUnstorableText } from '../../common/json/json-limits.js';
import { Binary } from '../transport/message.js';

/** Where in a payload a problem is: `["user_ids", 2]`. */
export type PayloadPath = Array<string | number>;

/** One problem with an inbound payload. */
export interface PayloadIssue {
  path: PayloadPath;
  message: string;
}

/** The messages the schemas use (Ecto's wording, which the chat clients already show). */
export const PAYLOAD_MESSAGES = {
  invalid: 'is invalid',
  required: "can't be blank",
  binary: 'expected a JSON payload, got binary',
  text: 'contains characters that are not allowed',
  tooShort: (n: number) => `should be at least ${n} character(s)`,
  tooLong: (n: number) => `should be at most ${n} character(s)`,
  tooMany: (n: number) => `should have at most ${n} item(s)`,
} as const;

const FAILED = Symbol('failed');
type Parsed<T> = T | typeof FAILED;

/**
 * A declarative check of one value of an inbound payload, typed: `parse` answers the value the
 * handler gets (trimmed, lower-cased, defaulted) or records issues. Build them with `p.*`.
 */
export abstract class PayloadSchema<T> {
  /** Whether a missing key is fine (the value is then `undefined` or the default). */
  readonly optional: boolean = false;

  abstract check(value: unknown, path: PayloadPath, issues: PayloadIssue[]): Parsed<T>;

  /** Parses a whole payload: the value, or the issues found (at least one). */
  parse(value: unknown): { ok: true; value: T } | { ok: false; issues: PayloadIssue[] } {
    const issues: PayloadIssue[] = [];
    const parsed = this.check(value, [], issues);
    return parsed === FAILED || issues.length > 0
      ? { ok: false, issues: issues.length > 0 ? issues : [{ path: [], message: 'is invalid' }] }
      : { ok: true, value: parsed };
  }
}

function fail(issues: PayloadIssue[], path: PayloadPath, message: string): typeof FAILED {
  issues.push({ path, message });
  return FAILED;
}

/** A JSON payload (not a binary frame's bytes); binary is reported as such. */
function notJson(value: unknown, issues: PayloadIssue[], path: PayloadPath): boolean {
  if (!(value instanceof Binary)) return false;
  fail(issues, path, PAYLOAD_MESSAGES.binary);
  return true;
}

interface StringRules {
  /** Trim surrounding white space before the length checks (the value the handler gets). */
  trim?: boolean;
  /** Least characters (Unicode code points), after trimming. */
  min?: number;
  /** Most characters (Unicode code points), after trimming. */
  max?: number;
  /** The whole string must match. */
  pattern?: RegExp;
  /** Lower-case the value (ids). */
  lower?: boolean;
  /** Empty (after trimming) becomes null. */
  emptyAsNull?: boolean;
}

class StringSchema<T extends string | null> extends PayloadSchema<T> {
  constructor(private readonly rules: StringRules) {
    super();
  }

  check(value: unknown, path: PayloadPath, issues: PayloadIssue[]): Parsed<T> {
    if (notJson(value, issues, path)) return FAILED;
    if (typeof value !== 'string') return fail(issues, path, PAYLOAD_MESSAGES.invalid);
    if (isUnstorableText(value)) return fail(issues, path, PAYLOAD_MESSAGES.text);
    const { trim, min, max, pattern, lower, emptyAsNull } = this.rules;
    let text = trim ? value.trim() : value;
    if (emptyAsNull && text === '') return null as T;
    const length = min !== undefined || max !== undefined ? [...text].length : 0;
    if (min !== undefined && length < min)
      return fail(issues, path, PAYLOAD_MESSAGES.tooShort(min));
    if (max !== undefined && length > max) return fail(issues, path, PAYLOAD_MESSAGES.tooLong(max));
    if (pattern && !pattern.test(text)) return fail(issues, path, PAYLOAD_MESSAGES.invalid);
    if (lower) text = text.toLowerCase();
    return text as T;
  }
}

class ScalarSchema<T> extends PayloadSchema<T> {
  constructor(private readonly accepts: (value: unknown) => value is T) {
    super();
  }

  check(value: unknown, path: PayloadPath, issues: PayloadIssue[]): Parsed<T> {
    if (notJson(value, issues, path)) return FAILED;
    return this.accepts(value) ? value : fail(issues, path, PAYLOAD_MESSAGES.invalid);
  }
}

class ArraySchema<T> extends PayloadSchema<T[]> {
  constructor(
    private readonly item: PayloadSchema<T>,
    private readonly max: number,
  ) {
    super();
  }

  check(value: unknown, path: PayloadPath, issues: PayloadIssue[]): Parsed<T[]> {
    if (notJson(value, issues, path)) return FAILED;
    if (!Array.isArray(value)) return fail(issues, path, PAYLOAD_MESSAGES.invalid);
    if (value.length > this.max) return fail(issues, path, PAYLOAD_MESSAGES.tooMany(this.max));
    const items: T[] = [];
    let failed = false;
    value.forEach((element, index) => {
      const parsed = this.item.check(element, [...path, index], issues);
      if (parsed === FAILED) failed = true;
      else items.push(parsed);
    });
    return failed ? FAILED : items;
  }
}

type Shape = Record<string, PayloadSchema<unknown>>;
type ObjectOf<S extends Shape> = {
  [K in keyof S]: S[K] extends PayloadSchema<infer T> ? T : never;
};

class ObjectSchema<S extends Shape> extends PayloadSchema<ObjectOf<S>> {
  constructor(private readonly shape: S) {
    super();
  }

  /** Declared keys only (others are ignored), each checked, in declaration order. */
  check(value: unknown, path: PayloadPath, issues: PayloadIssue[]): Parsed<ObjectOf<S>> {
    if (notJson(value, issues, path)) return FAILED;
    if (typeof value !== 'object' || value === null || Array.isArray(value))
      return fail(issues, path, PAYLOAD_MESSAGES.invalid);
    const input = value as Record<string, unknown>;
    const output: Record<string, unknown> = {};
    let failed = false;
    for (const [key, schema] of Object.entries(this.shape)) {
      const present = Object.hasOwn(input, key) && input[key] !== undefined;
      if (!present) {
        if (!schema.optional)
          failed = fail(issues, [...path, key], PAYLOAD_MESSAGES.required) === FAILED;
        else output[key] = schema.check(undefined, [...path, key], issues);
        continue;
      }
      const parsed = schema.check(input[key], [...path, key], issues);
      if (parsed === FAILED) failed = true;
      else output[key] = parsed;
    }
    return failed ? FAILED : (output as ObjectOf<S>);
  }
}

/** How a wrapped schema treats a missing key and null. */
interface Absence<D> {
  /** The key may be missing (or undefined). */
  optional: boolean;
  /** null is taken as absent. */
  nullAbsent: boolean;
  /** The value when absent. */
  fallback: D;
}

class AbsentSchema<T, D> extends PayloadSchema<T | D> {
  override readonly optional: boolean;

  constructor(
    private readonly inner: PayloadSchema<T>,
    private readonly absence: Absence<D>,
  ) {
    super();
    this.optional = absence.optional;
  }

  check(value: unknown, path: PayloadPath, issues: PayloadIssue[]): Parsed<T | D> {
    if (value === undefined || (this.absence.nullAbsent && value === null))
      return this.absence.fallback;
    return this.inner.check(value, path, issues);
  }
}

/** Any JSON value (free-form: relayed or echoed), with every string storable. */
class JsonSchema<T> extends PayloadSchema<T> {
  constructor(private readonly objectOnly: boolean) {
    super();
  }

  check(value: unknown, path: PayloadPath, issues: PayloadIssue[]): Parsed<T> {
    if (notJson(value, issues, path)) return FAILED;
    if (this.objectOnly && (typeof value !== 'object' || value === null || Array.isArray(value)))
      return fail(issues, path, PAYLOAD_MESSAGES.invalid);
    const bad = findUnstorableText(value);
    return bad ? fail(issues, [...path, ...bad], PAYLOAD_MESSAGES.text) : (value as T);
  }
}

class UnknownSchema extends PayloadSchema<unknown> {
  override readonly optional = true;

  check(value: unknown): unknown {
    return value;
  }
}

class BinarySchema extends PayloadSchema<Binary> {
  check(value: unknown, path: PayloadPath, issues: PayloadIssue[]): Parsed<Binary> {
    return value instanceof Binary ? value : fail(issues, path, 'expected a binary payload');
  }
}

/** The key may be missing, undefined or null: then `fallback` (null by default). */
function nullable<T>(schema: PayloadSchema<T>): PayloadSchema<T | null>;
function nullable<T, D>(schema: PayloadSchema<T>, fallback: D): PayloadSchema<T | D>;
function nullable<T, D>(schema: PayloadSchema<T>, fallback?: D): PayloadSchema<T | D | null> {
  return new AbsentSchema<T, D | null>(schema, {
    optional: true,
    nullAbsent: true,
    fallback: fallback === undefined ? null : fallback,
  });
}

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/**
 * The payload schema builders. Strings are storable text by default (no U+0000, no lone
 * surrogate); objects keep only their declared keys; binary payloads fail every schema but
 * `p.binary()` and `p.unknown()`.
 */
export const p = {
  object: <S extends Shape>(shape: S): PayloadSchema<ObjectOf<S>> => new ObjectSchema(shape),
  string: (rules: StringRules = {}): PayloadSchema<string> => new StringSchema<string>(rules),
  /** A string whose empty (trimmed) form means null. */
  nullableString: (rules: StringRules = {}): PayloadSchema<string | null> =>
    new StringSchema<string | null>({ ...rules, emptyAsNull: true }),
  uuid: (): PayloadSchema<string> => new StringSchema<string>({ pattern: UUID, lower: true }),
  boolean: (): PayloadSchema<boolean> =>
    new ScalarSchema((v): v is boolean => typeof v === 'boolean'),
  array: <T>(item: PayloadSchema<T>, options: { max: number }): PayloadSchema<T[]> =>
    new ArraySchema(item, options.max),
  /** The key may be missing (or undefined): then `fallback`. */
  optional: <T, D = undefined>(schema: PayloadSchema<T>, fallback?: D): PayloadSchema<T | D> =>
    new AbsentSchema(schema, { optional: true, nullAbsent: false, fallback: fallback as D }),
  nullable,
  /** The key is required; its value may be null. */
  orNull: <T>(schema: PayloadSchema<T>): PayloadSchema<T | null> =>
    new AbsentSchema<T, null>(schema, { optional: false, nullAbsent: true, fallback: null }),
  /** Any JSON object, free-form, every string in it storable. */
  record: (): PayloadSchema<Record<string, unknown>> =>
    new JsonSchema<Record<string, unknown>>(true),
  /** Any JSON value, free-form, every string in it storable. */
  json: (): PayloadSchema<unknown> => new JsonSchema<unknown>(false),
  /** A binary frame's bytes. */
  binary: (): PayloadSchema<Binary> => new BinarySchema(),
  /** Anything, unchecked and optional (a field a guard reads itself, such as a token). */
  unknown: (): PayloadSchema<unknown> => new UnknownSchema(),
};

/** The type a schema parses to. */
export type PayloadOf<S> = S extends PayloadSchema<infer T> ? T : never;
