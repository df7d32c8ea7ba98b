import { Presence } from 'phoenix';
import { presenceRef } from './presence-ref.js';
import {
  PresenceDiff,
  PresenceError,
  PresenceMeta,
  PresenceState,
  PresenceTracker,
} from './presence-tracker.js';

const REF_RE = /^[A-Za-z0-9_-]{16}$/;

/** What travels on the wire: the client only ever sees JSON. */
function wire<T>(value: T): T {
  return JSON.parse(JSON.stringify(value)) as T;
}

/** Own keys (including "__proto__") with metas sorted by phx_ref: order-insensitive per key. */
function normalize(state: object): Array<[string, PresenceMeta[]]> {
  const record = state as PresenceState;
  return Object.getOwnPropertyNames(state)
    .sort()
    .map((key): [string, PresenceMeta[]] => [
      key,
      [...record[key].metas]
        .map((m) => ({ ...m }))
        .sort((a, b) => (a.phx_ref < b.phx_ref ? -1 : a.phx_ref > b.phx_ref ? 1 : 0)),
    ]);
}

function refsOf(state: object, key: string): string[] {
  const value = Object.getOwnPropertyDescriptor(state, key)?.value as
    { metas: PresenceMeta[] } | undefined;
  return value ? value.metas.map((m) => m.phx_ref) : [];
}

/** Deterministic PRNG (mulberry32) so a failing sequence is reproducible. */
function rng(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

describe('presenceRef', () => {
  it('is 16 URL-safe base64 characters (12 bytes, no padding)', () => {
    const ref = presenceRef();
    expect(ref).toMatch(REF_RE);
    expect(Buffer.from(ref, 'base64url')).toHaveLength(12);
  });

  it('is unique across rapid calls', () => {
    const refs = new Set<string>();
    const n = 200_000; // > 65536: the 16-bit counter wraps; the ns timestamp still differs
    for (let i = 0; i < n; i++) refs.add(presenceRef());
    expect(refs.size).toBe(n);
  });

  it('encodes time in ns, a per-process node id and a wrapping counter', () => {
    const before = BigInt(Date.now()) * 1_000_000n;
    const a = Buffer.from(presenceRef(), 'base64url');
    const b = Buffer.from(presenceRef(), 'base64url');
    const after = BigInt(Date.now() + 1000) * 1_000_000n;

    const tA = a.readBigUInt64BE(0);
    const tB = b.readBigUInt64BE(0);
    expect(tA).toBeGreaterThanOrEqual(before);
    expect(tA).toBeLessThan(after);
    expect(tB).toBeGreaterThan(tA); // strictly monotonic within the process
    expect(a.readUInt16BE(8)).toBe(b.readUInt16BE(8)); // same node id
    expect(b.readUInt16BE(10)).toBe((a.readUInt16BE(10) + 1) & 0xffff);
  });
});

describe('PresenceTracker', () => {
  let tracker: PresenceTracker;
  beforeEach(() => {
    tracker = new PresenceTracker();
  });

  describe('track', () => {
    it('returns a ref and a diff with the meta in joins (spec §10.1 shape)', () => {
      const owner = {};
      const { ref, diff } = tracker.track('room:lobby', owner, '42', { online_at: '1700000000' });
      expect(ref).toMatch(REF_RE);
      expect(diff).toEqual({
        joins: { '42': { metas: [{ online_at: '1700000000', phx_ref: ref }] } },
        leaves: {},
      });
      expect(tracker.list('room:lobby')).toEqual({
        '42': { metas: [{ online_at: '1700000000', phx_ref: ref }] },
      });
    });

    it('keeps one meta per (owner, key), in tracking order (two sockets under one key)', () => {
      const a = {};
      const b = {};
      const c = {};
      const r1 = tracker.track('room:lobby', a, '42', { online_at: '1700000000' }).ref;
      const r2 = tracker.track('room:lobby', b, '42', { online_at: '1700000100' }).ref;
      const r3 = tracker.track('room:lobby', c, '7', {}).ref;
      expect(tracker.list('room:lobby')).toEqual({
        '42': {
          metas: [
            { online_at: '1700000000', phx_ref: r1 },
            { online_at: '1700000100', phx_ref: r2 },
          ],
        },
        '7': { metas: [{ phx_ref: r3 }] },
      });
      expect(tracker.size('room:lobby')).toBe(2);
    });

    it('lets one owner track several keys and several topics', () => {
      const owner = {};
      tracker.track('t1', owner, 'a', {});
      tracker.track('t1', owner, 'b', {});
      tracker.track('t2', owner, 'a', {});
      expect(tracker.size('t1')).toBe(2);
      expect(tracker.size('t2')).toBe(1);
      expect(tracker.topics().sort()).toEqual(['t1', 't2']);
    });

    it('throws PresenceError("already tracked") for the same (topic, owner, key)', () => {
      const owner = {};
      tracker.track('t', owner, 'k', { a: 1 });
      let error: unknown;
      try {
        tracker.track('t', owner, 'k', { a: 2 });
      } catch (e) {
        error = e;
      }
      expect(error).toBeInstanceOf(PresenceError);
      expect(error).toBeInstanceOf(Error);
      expect((error as Error).message).toBe('already tracked');
      // State unchanged.
      expect(tracker.list('t')['k'].metas).toEqual([expect.objectContaining({ a: 1 })]);
    });

    it('allows the same owner/key again after untrack, with a new ref', () => {
      const owner = {};
      const r1 = tracker.track('t', owner, 'k', {}).ref;
      tracker.untrack('t', owner, 'k');
      const r2 = tracker.track('t', owner, 'k', {}).ref;
      expect(r2).not.toBe(r1);
      expect(refsOf(tracker.list('t'), 'k')).toEqual([r2]);
    });

    it('does not let the user meta override phx_ref / phx_ref_prev', () => {
      const { ref, diff } = tracker.track('t', {}, 'k', {
        phx_ref: 'forged',
        phx_ref_prev: 'forged-prev',
        status: 'online',
      });
      expect(diff.joins['k'].metas).toEqual([{ status: 'online', phx_ref: ref }]);
      expect(tracker.list('t')['k'].metas).toEqual([{ status: 'online', phx_ref: ref }]);
    });

    it('copies the meta: later mutation of the input does not leak in', () => {
      const meta: Record<string, unknown> = { status: 'online' };
      tracker.track('t', {}, 'k', meta);
      meta.status = 'away';
      meta.extra = true;
      expect(tracker.list('t')['k'].metas[0]).toEqual({
        status: 'online',
        phx_ref: expect.any(String),
      });
    });

    it('rejects invalid arguments', () => {
      const bad = tracker as unknown as {
        track(topic: unknown, owner: unknown, key: unknown, meta: unknown): unknown;
      };
      expect(() => bad.track('t', {}, 'k', null)).toThrow(PresenceError);
      expect(() => bad.track('t', {}, 'k', [])).toThrow(PresenceError);
      expect(() => bad.track('t', {}, 'k', 'x')).toThrow(PresenceError);
      expect(() => bad.track('t', {}, 42, {})).toThrow(PresenceError);
      expect(() => bad.track('t', null, 'k', {})).toThrow(PresenceError);
      expect(() => bad.track('t', 'owner', 'k', {})).toThrow(PresenceError);
      expect(() => bad.track(1, {}, 'k', {})).toThrow(PresenceError);
      expect(tracker.topics()).toEqual([]);
    });

    it('accepts the empty string as key', () => {
      const { ref } = tracker.track('t', {}, '', {});
      expect(tracker.list('t')).toEqual({ '': { metas: [{ phx_ref: ref }] } });
    });
  });

  describe('update', () => {
    it('gives the meta a new phx_ref, phx_ref_prev = old ref; diff as in spec §10.1', () => {
      const owner = {};
      const a = tracker.track('room:lobby', owner, '42', { status: 'away' }).ref;
      const res = tracker.update('room:lobby', owner, '42', { status: 'online' });
      expect(res).toBeDefined();
      const b = res!.ref;
      expect(b).toMatch(REF_RE);
      expect(b).not.toBe(a);
      expect(res!.diff).toEqual({
        joins: { '42': { metas: [{ status: 'online', phx_ref: b, phx_ref_prev: a }] } },
        leaves: { '42': { metas: [{ status: 'away', phx_ref: a }] } },
      });
      // The exact wire form of the spec example (key order included).
      expect(JSON.stringify(res!.diff)).toBe(
        `{"joins":{"42":{"metas":[{"status":"online","phx_ref":"${b}","phx_ref_prev":"${a}"}]}},` +
          `"leaves":{"42":{"metas":[{"status":"away","phx_ref":"${a}"}]}}}`,
      );
      expect(tracker.list('room:lobby')).toEqual({
        '42': { metas: [{ status: 'online', phx_ref: b, phx_ref_prev: a }] },
      });
    });

    it('chains: a second update leaves the previous meta (with its phx_ref_prev)', () => {
      const owner = {};
      const a = tracker.track('t', owner, 'k', { n: 0 }).ref;
      const b = tracker.update('t', owner, 'k', { n: 1 })!.ref;
      const { ref: c, diff } = tracker.update('t', owner, 'k', { n: 2 })!;
      expect(diff).toEqual({
        joins: { k: { metas: [{ n: 2, phx_ref: c, phx_ref_prev: b }] } },
        leaves: { k: { metas: [{ n: 1, phx_ref: b, phx_ref_prev: a }] } },
      });
    });

    it('accepts an updater function receiving a copy of the current meta', () => {
      const owner = {};
      const a = tracker.track('t', owner, 'k', { n: 1, name: 'x' }).ref;
      let seen: Record<string, unknown> | undefined;
      const res = tracker.update('t', owner, 'k', (current) => {
        seen = current;
        current.n = 999; // mutating the argument must not affect the stored meta
        return { ...current, n: 2 };
      });
      expect(seen).toEqual({ n: 999, name: 'x', phx_ref: a });
      expect(res!.diff.leaves['k'].metas).toEqual([{ n: 1, name: 'x', phx_ref: a }]);
      expect(tracker.list('t')['k'].metas).toEqual([
        { n: 2, name: 'x', phx_ref: res!.ref, phx_ref_prev: a },
      ]);
    });

    it('ignores phx_ref / phx_ref_prev coming from the new meta', () => {
      const owner = {};
      const a = tracker.track('t', owner, 'k', {}).ref;
      const res = tracker.update('t', owner, 'k', (cur) => ({
        ...cur,
        phx_ref: 'forged',
        phx_ref_prev: 'forged',
      }));
      expect(tracker.list('t')['k'].metas).toEqual([{ phx_ref: res!.ref, phx_ref_prev: a }]);
    });

    it('touches only that owner’s meta; the position in the key is kept', () => {
      const a = {};
      const b = {};
      const ra = tracker.track('t', a, 'k', { who: 'a' }).ref;
      const rb = tracker.track('t', b, 'k', { who: 'b' }).ref;
      const { ref: ra2, diff } = tracker.update('t', a, 'k', { who: 'a2' })!;
      expect(diff.joins['k'].metas).toHaveLength(1);
      expect(diff.leaves['k'].metas).toEqual([{ who: 'a', phx_ref: ra }]);
      expect(refsOf(tracker.list('t'), 'k')).toEqual([ra2, rb]);
    });

    it('returns undefined when not tracked (and changes nothing)', () => {
      const owner = {};
      expect(tracker.update('t', owner, 'k', {})).toBeUndefined();
      tracker.track('t', owner, 'k', {});
      expect(tracker.update('t', {}, 'k', {})).toBeUndefined();
      expect(tracker.update('t', owner, 'other', {})).toBeUndefined();
      expect(tracker.update('other', owner, 'k', {})).toBeUndefined();
      let called = false;
      expect(
        tracker.update('t', {}, 'k', (m) => {
          called = true;
          return m;
        }),
      ).toBeUndefined();
      expect(called).toBe(false);
    });

    it('leaves the state unchanged when the new meta is invalid or the updater throws', () => {
      const owner = {};
      const a = tracker.track('t', owner, 'k', { x: 1 }).ref;
      expect(() =>
        tracker.update('t', owner, 'k', () => null as unknown as Record<string, unknown>),
      ).toThrow(PresenceError);
      expect(() =>
        tracker.update('t', owner, 'k', () => {
          throw new Error('boom');
        }),
      ).toThrow('boom');
      expect(tracker.list('t')).toEqual({ k: { metas: [{ x: 1, phx_ref: a }] } });
    });

    it('refuses an updater that untracks the presence it is updating', () => {
      const owner = {};
      tracker.track('t', owner, 'k', {});
      expect(() =>
        tracker.update('t', owner, 'k', (m) => {
          tracker.untrack('t', owner, 'k');
          return m;
        }),
      ).toThrow(PresenceError);
      expect(tracker.topics()).toEqual([]);
    });
  });

  describe('untrack', () => {
    it('returns a diff with the meta in leaves', () => {
      const owner = {};
      const { ref } = tracker.track('t', owner, '42', { s: 1 });
      expect(tracker.untrack('t', owner, '42')).toEqual({
        joins: {},
        leaves: { '42': { metas: [{ s: 1, phx_ref: ref }] } },
      });
      expect(tracker.list('t')).toEqual({});
    });

    it('after an update, leaves the current meta (new ref and phx_ref_prev)', () => {
      const owner = {};
      const a = tracker.track('t', owner, 'k', {}).ref;
      const b = tracker.update('t', owner, 'k', { s: 2 })!.ref;
      expect(tracker.untrack('t', owner, 'k')).toEqual({
        joins: {},
        leaves: { k: { metas: [{ s: 2, phx_ref: b, phx_ref_prev: a }] } },
      });
    });

    it('keeps the other sockets of a shared key', () => {
      const a = {};
      const b = {};
      tracker.track('t', a, 'k', {});
      const rb = tracker.track('t', b, 'k', {}).ref;
      tracker.untrack('t', a, 'k');
      expect(refsOf(tracker.list('t'), 'k')).toEqual([rb]);
      expect(tracker.size('t')).toBe(1);
    });

    it('returns undefined when not tracked', () => {
      const owner = {};
      expect(tracker.untrack('t', owner, 'k')).toBeUndefined();
      tracker.track('t', owner, 'k', {});
      expect(tracker.untrack('t', {}, 'k')).toBeUndefined();
      expect(tracker.untrack('t', owner, 'x')).toBeUndefined();
      expect(tracker.untrack('other', owner, 'k')).toBeUndefined();
      expect(tracker.untrack('t', owner, 'k')).toBeDefined();
      expect(tracker.untrack('t', owner, 'k')).toBeUndefined();
    });
  });

  describe('untrackAll', () => {
    it('removes every entry of the owner, one diff per topic', () => {
      const dead = {};
      const alive = {};
      const r1 = tracker.track('t1', dead, 'a', { i: 1 }).ref;
      const r2 = tracker.track('t1', dead, 'b', { i: 2 }).ref;
      const r3 = tracker.track('t2', dead, 'a', { i: 3 }).ref;
      const r4 = tracker.track('t1', alive, 'a', { i: 4 }).ref;

      const result = tracker.untrackAll(dead);
      expect(result).toEqual([
        {
          topic: 't1',
          diff: {
            joins: {},
            leaves: {
              a: { metas: [{ i: 1, phx_ref: r1 }] },
              b: { metas: [{ i: 2, phx_ref: r2 }] },
            },
          },
        },
        { topic: 't2', diff: { joins: {}, leaves: { a: { metas: [{ i: 3, phx_ref: r3 }] } } } },
      ]);
      expect(tracker.list('t1')).toEqual({ a: { metas: [{ i: 4, phx_ref: r4 }] } });
      expect(tracker.list('t2')).toEqual({});
      expect(tracker.topics()).toEqual(['t1']);
      expect(tracker.untrackAll(dead)).toEqual([]);
    });

    it('reports the current (updated) metas', () => {
      const owner = {};
      const a = tracker.track('t', owner, 'k', {}).ref;
      const b = tracker.update('t', owner, 'k', { s: 1 })!.ref;
      expect(tracker.untrackAll(owner)).toEqual([
        {
          topic: 't',
          diff: { joins: {}, leaves: { k: { metas: [{ s: 1, phx_ref: b, phx_ref_prev: a }] } } },
        },
      ]);
    });

    it('returns [] for an unknown owner and skips topics already untracked', () => {
      expect(tracker.untrackAll({})).toEqual([]);
      const owner = {};
      tracker.track('t1', owner, 'k', {});
      tracker.track('t2', owner, 'k', {});
      tracker.untrack('t1', owner, 'k');
      expect(tracker.untrackAll(owner).map((r) => r.topic)).toEqual(['t2']);
    });

    it('treats every channel incarnation as a different owner (duplicate join, spec §7.3)', () => {
      const oldChannel = {};
      const newChannel = {};
      const r1 = tracker.track('room:1', oldChannel, 'user:1', {}).ref;
      const r2 = tracker.track('room:1', newChannel, 'user:1', {}).ref;
      // The old incarnation is killed: its presence leaves, the new one stays.
      const [{ diff }] = tracker.untrackAll(oldChannel);
      expect(refsOf(diff.leaves, 'user:1')).toEqual([r1]);
      expect(refsOf(tracker.list('room:1'), 'user:1')).toEqual([r2]);
    });
  });

  describe('list / topics / size', () => {
    it('is empty for unknown topics', () => {
      expect(tracker.list('nope')).toEqual({});
      expect(tracker.size('nope')).toBe(0);
      expect(tracker.topics()).toEqual([]);
    });

    it('returns fresh objects: mutating them does not affect the tracker', () => {
      const owner = {};
      const { ref, diff } = tracker.track('t', owner, 'k', { s: 1 });
      const listed = tracker.list('t');
      listed['k'].metas[0].s = 'mutated';
      listed['k'].metas.push({ phx_ref: 'x' });
      delete listed['k'];
      diff.joins['k'].metas[0].s = 'mutated too';
      expect(tracker.list('t')).toEqual({ k: { metas: [{ s: 1, phx_ref: ref }] } });
      const upd = tracker.update('t', owner, 'k', { s: 2 })!;
      upd.diff.leaves['k'].metas[0].s = 'x';
      upd.diff.joins['k'].metas[0].s = 'x';
      expect(tracker.list('t')['k'].metas[0].s).toBe(2);
      expect(tracker.list('t')).not.toBe(tracker.list('t'));
    });

    it('returns plain objects', () => {
      tracker.track('t', {}, 'k', {});
      const listed = tracker.list('t');
      expect(Object.getPrototypeOf(listed)).toBe(Object.prototype);
      expect(Object.getPrototypeOf(listed['k'])).toBe(Object.prototype);
    });

    it('handles keys like "__proto__", "constructor", "toString", "hasOwnProperty"', () => {
      const keys = ['__proto__', 'constructor', 'toString', 'hasOwnProperty', 'valueOf'];
      const refs = new Map<string, string>();
      const owner = {};
      for (const key of keys) {
        const { ref, diff } = tracker.track('t', owner, key, { key });
        refs.set(key, ref);
        expect(Object.getOwnPropertyNames(diff.joins)).toEqual([key]);
        expect(JSON.parse(JSON.stringify(diff))).toEqual({
          joins: JSON.parse(
            `{${JSON.stringify(key)}:{"metas":[{"key":${JSON.stringify(key)},"phx_ref":"${ref}"}]}}`,
          ),
          leaves: {},
        });
      }
      expect(tracker.size('t')).toBe(keys.length);
      const listed = tracker.list('t');
      expect(Object.getPrototypeOf(listed)).toBe(Object.prototype); // not replaced by "__proto__"
      expect(Object.getOwnPropertyNames(listed)).toEqual(keys);

      const json = JSON.stringify(listed);
      expect(json).toContain(
        `"__proto__":{"metas":[{"key":"__proto__","phx_ref":"${refs.get('__proto__')}"}]}`,
      );
      const parsed = JSON.parse(json) as object; // JSON.parse defines "__proto__" as an own key
      expect(normalize(parsed)).toEqual(normalize(listed));
      expect(refsOf(parsed, '__proto__')).toEqual([refs.get('__proto__')]);

      const upd = tracker.update('t', owner, '__proto__', { key: 'updated' })!;
      expect(Object.getOwnPropertyNames(upd.diff.joins)).toEqual(['__proto__']);
      expect(Object.getOwnPropertyNames(upd.diff.leaves)).toEqual(['__proto__']);
      const [{ diff }] = tracker.untrackAll(owner);
      expect(Object.getOwnPropertyNames(diff.leaves).sort()).toEqual([...keys].sort());
      expect(tracker.topics()).toEqual([]);
    });

    it('keeps an own "__proto__" property of a meta as data (not as the prototype)', () => {
      const meta = JSON.parse('{"__proto__": {"polluted": true}, "a": 1}') as Record<
        string,
        unknown
      >;
      const { ref } = tracker.track('t', {}, 'k', meta);
      const stored = tracker.list('t')['k'].metas[0];
      expect(Object.getPrototypeOf(stored)).toBe(Object.prototype);
      expect(JSON.parse(JSON.stringify(stored))).toEqual(
        JSON.parse(`{"__proto__":{"polluted":true},"a":1,"phx_ref":"${ref}"}`),
      );
      expect(({} as Record<string, unknown>).polluted).toBeUndefined();
    });
  });

  describe('memory', () => {
    it('cleans up empty keys, topics and owners after everyone leaves', () => {
      const owners = Array.from({ length: 50 }, () => ({}));
      owners.forEach((o, i) => {
        tracker.track(`t${i % 5}`, o, `k${i % 7}`, { i });
        tracker.track('shared', o, 'k', { i });
      });
      owners.forEach((o, i) => {
        if (i % 2 === 0) tracker.untrackAll(o);
        else {
          tracker.untrack(`t${i % 5}`, o, `k${i % 7}`);
          tracker.untrack('shared', o, 'k');
        }
      });
      expect(tracker.topics()).toEqual([]);
      const internals = tracker as unknown as {
        byTopic: Map<unknown, unknown>;
        byOwner: Map<unknown, unknown>;
      };
      expect(internals.byTopic.size).toBe(0);
      expect(internals.byOwner.size).toBe(0);
    });

    it('operations do not scan all presences (thousands of sockets)', () => {
      const owners = Array.from({ length: 20_000 }, () => ({}));
      owners.forEach((o, i) => tracker.track('big', o, i % 2 ? 'hot' : `user:${i}`, { i }));
      expect(tracker.size('big')).toBe(10_001);

      // 20k more operations: quadratic behaviour would take minutes, linear takes milliseconds.
      const start = Date.now();
      owners.forEach((o, i) => {
        const key = i % 2 ? 'hot' : `user:${i}`;
        if (i % 3 === 0) tracker.update('big', o, key, { i, updated: true });
        else if (i % 3 === 1) tracker.untrack('big', o, key);
        else tracker.untrackAll(o);
      });
      expect(Date.now() - start).toBeLessThan(5_000);
      owners.forEach((o) => tracker.untrackAll(o));
      expect(tracker.topics()).toEqual([]);
    });
  });
});

describe('PresenceTracker against the official phoenix client (Presence.syncDiff / syncState)', () => {
  const TOPIC = 'room:lobby';
  const KEYS = ['42', '7', 'user:1', '__proto__', 'constructor', 'toString', ''];

  /** Applies a server diff the way the JS client does, after a JSON round trip (the wire). */
  function applyDiff(state: object, diff: PresenceDiff): object {
    return Presence.syncDiff(state, wire(diff)) as object;
  }

  function expectInSync(client: object, tracker: PresenceTracker): void {
    expect(normalize(client)).toEqual(normalize(tracker.list(TOPIC)));
    // Extra: a late joiner syncing from scratch gets the same state.
    expect(normalize(Presence.syncState({}, wire(tracker.list(TOPIC))) as object)).toEqual(
      normalize(tracker.list(TOPIC)),
    );
  }

  it.each([1, 2, 3, 4, 5, 6, 7, 8])(
    'a random sequence of track/update/untrack/untrackAll keeps the client in sync (seed %i)',
    (seed) => {
      const random = rng(seed);
      const pick = <T>(items: readonly T[]): T => items[Math.floor(random() * items.length)];
      const tracker = new PresenceTracker();
      const owners = Array.from({ length: 6 }, (_, i) => ({ socket: i }));
      // What the test believes is tracked, to choose meaningful operations.
      const tracked: Array<{ owner: object; key: string }> = [];
      const otherTracked = new Map<object, Set<string>>(); // owner → keys on "room:other"
      let client: object = {};
      const counts = { track: 0, update: 0, untrack: 0, untrackAll: 0, otherTopic: 0 };

      for (let step = 0; step < 400; step++) {
        const roll = random();
        if (roll < 0.4 || tracked.length === 0) {
          const owner = pick(owners);
          const key = pick(KEYS);
          if (tracked.some((t) => t.owner === owner && t.key === key)) {
            expect(() => tracker.track(TOPIC, owner, key, {})).toThrow('already tracked');
            continue;
          }
          const { diff } = tracker.track(TOPIC, owner, key, {
            step,
            online_at: `${1700000000 + step}`,
          });
          tracked.push({ owner, key });
          client = applyDiff(client, diff);
          counts.track++;
        } else if (roll < 0.65) {
          const { owner, key } = pick(tracked);
          const res =
            random() < 0.5
              ? tracker.update(TOPIC, owner, key, { step, status: pick(['online', 'away']) })
              : tracker.update(TOPIC, owner, key, (cur) => ({ ...cur, step, bumped: true }));
          expect(res).toBeDefined();
          const before = refsOf(client, key).length;
          client = applyDiff(client, res!.diff);
          // Spec §10.2 [verified]: the update yields only the new meta for that owner.
          expect(refsOf(client, key)).toHaveLength(before);
          expect(refsOf(client, key)).toContain(res!.ref);
          expect(refsOf(client, key)).not.toContain(res!.diff.leaves[key].metas[0].phx_ref);
          counts.update++;
        } else if (roll < 0.85) {
          const index = Math.floor(random() * tracked.length);
          const [{ owner, key }] = tracked.splice(index, 1);
          const diff = tracker.untrack(TOPIC, owner, key);
          expect(diff).toBeDefined();
          client = applyDiff(client, diff!);
          counts.untrack++;
        } else if (roll < 0.95) {
          // A channel dies (crash / leave / socket close / duplicate join, spec §7.3, §7.7).
          const owner = pick(owners);
          const results = tracker.untrackAll(owner);
          const had = tracked.filter((t) => t.owner === owner);
          for (let i = tracked.length - 1; i >= 0; i--) {
            if (tracked[i].owner === owner) tracked.splice(i, 1);
          }
          const hadOther = otherTracked.has(owner);
          otherTracked.delete(owner);
          expect(results.map((r) => r.topic).sort()).toEqual(
            [...(had.length ? [TOPIC] : []), ...(hadOther ? ['room:other'] : [])].sort(),
          );
          for (const { diff } of results.filter((r) => r.topic === TOPIC)) {
            expect(Object.getOwnPropertyNames(diff.leaves).sort()).toEqual(
              [...new Set(had.map((t) => t.key))].sort(),
            );
            client = applyDiff(client, diff);
          }
          counts.untrackAll++;
        } else {
          // Activity on another topic must not produce anything for this one.
          const owner = pick(owners);
          const key = pick(KEYS);
          const keys = otherTracked.get(owner) ?? new Set<string>();
          if (tracker.untrack('room:other', owner, key)) {
            keys.delete(key);
          } else {
            tracker.track('room:other', owner, key, {});
            keys.add(key);
          }
          if (keys.size) otherTracked.set(owner, keys);
          else otherTracked.delete(owner);
          counts.otherTopic++;
        }
        expectInSync(client, tracker);
        expect(tracker.size(TOPIC)).toBe(new Set(tracked.map((t) => t.key)).size);
      }

      expect(counts.track).toBeGreaterThan(50);
      expect(counts.update).toBeGreaterThan(20);
      expect(counts.untrack).toBeGreaterThan(20);
      expect(counts.untrackAll).toBeGreaterThan(5);

      // Everybody leaves: the client ends up empty, the tracker holds nothing for the topic.
      for (const owner of owners) {
        for (const { diff } of tracker.untrackAll(owner).filter((r) => r.topic === TOPIC)) {
          client = applyDiff(client, diff);
        }
      }
      expect(Object.getOwnPropertyNames(client)).toEqual([]);
      expect(tracker.topics()).toEqual([]);
      expect(counts.otherTopic).toBeGreaterThan(5);
    },
  );

  it('update diff yields exactly one meta for that owner client-side (spec §10.2)', () => {
    const tracker = new PresenceTracker();
    const phone = {};
    const laptop = {};
    const rPhone = tracker.track(TOPIC, phone, '42', { status: 'away' });
    const rLaptop = tracker.track(TOPIC, laptop, '42', { status: 'away' });
    let client: object = {};
    client = applyDiff(client, rPhone.diff);
    client = applyDiff(client, rLaptop.diff);
    expect(refsOf(client, '42')).toHaveLength(2);

    const joins: unknown[][] = [];
    const leaves: unknown[][] = [];
    const upd = tracker.update(TOPIC, phone, '42', { status: 'online' })!;
    client = Presence.syncDiff(
      client,
      wire(upd.diff),
      (key, cur, next) => joins.push([key, wire(cur), wire(next)]),
      (key, cur, left) => leaves.push([key, wire(cur), wire(left)]),
    ) as object;

    const metas = (
      Object.getOwnPropertyDescriptor(client, '42')!.value as { metas: PresenceMeta[] }
    ).metas;
    expect(metas).toHaveLength(2);
    expect(metas.filter((m) => m.phx_ref === upd.ref)).toEqual([
      { status: 'online', phx_ref: upd.ref, phx_ref_prev: rPhone.ref },
    ]);
    expect(metas.some((m) => m.phx_ref === rPhone.ref)).toBe(false);
    expect(metas.some((m) => m.phx_ref === rLaptop.ref)).toBe(true);
    expect(joins).toHaveLength(1);
    expect(leaves).toHaveLength(1);
    expect(leaves[0][0]).toBe('42');
    expect((leaves[0][2] as { metas: PresenceMeta[] }).metas).toEqual([
      { status: 'away', phx_ref: rPhone.ref },
    ]);
    expect(normalize(client)).toEqual(normalize(tracker.list(TOPIC)));
  });

  it('Presence.syncState(previous, list) reports the right joins and leaves', () => {
    const tracker = new PresenceTracker();
    const a = {};
    const b = {};
    const c = {};
    const d = {};
    const ra = tracker.track(TOPIC, a, '42', { dev: 'a' }).ref;
    const rb = tracker.track(TOPIC, b, '42', { dev: 'b' }).ref;
    const rc = tracker.track(TOPIC, c, '7', { dev: 'c' }).ref;
    const rProto = tracker.track(TOPIC, c, '__proto__', { dev: 'c' }).ref;
    const previous = Presence.syncState({}, wire(tracker.list(TOPIC))) as object;

    // While the client was disconnected: a updated, b left, c died, d joined under "42" and "9".
    const ra2 = tracker.update(TOPIC, a, '42', { dev: 'a', status: 'online' })!.ref;
    tracker.untrack(TOPIC, b, '42');
    tracker.untrackAll(c);
    const rd = tracker.track(TOPIC, d, '42', { dev: 'd' }).ref;
    const rd9 = tracker.track(TOPIC, d, '9', { dev: 'd' }).ref;
    const rConstructor = tracker.track(TOPIC, d, 'constructor', { dev: 'd' }).ref;

    const joined: Record<string, string[]> = {};
    const left: Record<string, string[]> = {};
    const newJoinKeys: string[] = [];
    const state = Presence.syncState(
      previous,
      wire(tracker.list(TOPIC)),
      (key, current, presence) => {
        joined[`k:${key}`] = (presence as { metas: PresenceMeta[] }).metas
          .map((m) => m.phx_ref)
          .sort();
        if (!current) newJoinKeys.push(key!);
      },
      (key, _current, presence) => {
        left[`k:${key}`] = (presence as { metas: PresenceMeta[] }).metas
          .map((m) => m.phx_ref)
          .sort();
      },
    ) as object;

    expect(joined).toEqual({
      'k:42': [ra2, rd].sort(),
      'k:9': [rd9],
      'k:constructor': [rConstructor],
    });
    expect(newJoinKeys.sort()).toEqual(['9', 'constructor']);
    expect(left).toEqual({
      'k:42': [ra, rb].sort(),
      'k:7': [rc],
      'k:__proto__': [rProto],
    });
    expect(normalize(state)).toEqual(normalize(tracker.list(TOPIC)));

    // Re-syncing with an unchanged list reports nothing.
    let calls = 0;
    Presence.syncState(
      state,
      wire(tracker.list(TOPIC)),
      () => calls++,
      () => calls++,
    );
    expect(calls).toBe(0);
  });

  it('Presence.list works on the synced state, including the "__proto__" key', () => {
    const tracker = new PresenceTracker();
    const owner = {};
    tracker.track(TOPIC, owner, '__proto__', { name: 'p' });
    tracker.track(TOPIC, owner, 'alice', { name: 'a' });
    const state = Presence.syncState({}, wire(tracker.list(TOPIC))) as object;
    const listed = Presence.list(state, (key, p: { metas: PresenceMeta[] }) => [
      key,
      p.metas[0].name,
    ]);
    expect(listed.sort()).toEqual([
      ['__proto__', 'p'],
      ['alice', 'a'],
    ]);
  });
});
