// A seeded source of hostile values for the fuzz spec: the same seed gives the same run.

/** mulberry32: a small, fast, seedable PRNG (uniform in [0, 1)). */
export function seededRandom(seed: number): () => number {
  let state = seed >>> 0;
  return () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

export class Fuzz {
  readonly random: () => number;

  constructor(seed: number) {
    this.random = seededRandom(seed);
  }

  int(max: number): number {
    return Math.floor(this.random() * max);
  }

  pick<T>(items: readonly T[]): T {
    return items[this.int(items.length)];
  }

  chance(p: number): boolean {
    return this.random() < p;
  }

  /** Strings a server must survive: NUL, lone surrogates, control and wide characters, long. */
  string(): string {
    return this.pick<() => string>([
      () => '',
      () => ' ',
      () => 'plain text',
      () => 'nul\u0000inside',
      () => '\u0000',
      () => 'lone \ud800 surrogate',
      () => '\udfff',
      () => 'emoji 😀 and accents é',
      () => '\u202e\u200b\ufeff',
      () => '\r\n\t\b\f',
      () => '%s %d {{x}} ${x} <script>',
      () => "' OR 1=1 --",
      () => 'x'.repeat(1 + this.int(5000)),
      () => '00000000-0000-4000-8000-000000000000',
      () => 'ZZZZZZZZ-0000-4000-8000-000000000000',
      () => String(this.int(1e9)),
    ])();
  }

  /** Any JSON value, nested up to `depth` (past 32 on purpose, now and then). */
  value(depth = 0): unknown {
    const kinds = depth > 40 ? 5 : 9;
    switch (this.int(kinds)) {
      case 0:
        return null;
      case 1:
        return this.chance(0.5);
      case 2:
        return this.pick([0, -1, 1.5, 1e308, -1e308, Number.MAX_SAFE_INTEGER + 2]);
      case 3:
      case 4:
        return this.string();
      case 5:
      case 6:
        return Array.from({ length: this.int(4) }, () => this.value(depth + 1));
      case 7:
        return this.deep(20 + this.int(40));
      default:
        return this.object(depth + 1);
    }
  }

  object(depth = 0): Record<string, unknown> {
    const keys = ['token', 'content', 'message', 'alias', 'hidden', 'private', 'user_ids'];
    const more = ['display_name', 'nickname', 'message_id', 'new_members', 'client_msg_id'];
    const object: Record<string, unknown> = {};
    for (let i = this.int(5); i > 0; i--) {
      object[this.chance(0.8) ? this.pick([...keys, ...more]) : this.string()] = this.value(depth);
    }
    return object;
  }

  /** `{"v": {"v": …}}`, `levels` deep. */
  deep(levels: number): unknown {
    let value: unknown = this.string();
    for (let i = 0; i < levels; i++) value = this.chance(0.5) ? { v: value } : [value];
    return value;
  }

  /** A payload for a channel event: mostly objects, sometimes anything. */
  payload(valid: Record<string, unknown>): unknown {
    switch (this.int(6)) {
      case 0:
        return this.value();
      case 1:
        return this.deep(33 + this.int(100));
      case 2: {
        // The valid payload with one field made hostile.
        const keys = Object.keys(valid);
        const key = keys.length > 0 ? this.pick(keys) : 'x';
        return { ...valid, [key]: this.value() };
      }
      default:
        return { ...valid, ...this.object() };
    }
  }
}
