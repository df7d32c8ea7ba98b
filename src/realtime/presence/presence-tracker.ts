import { addMeta, emptyState, setOwn } from './presence-diff.js';
import { presenceRef } from './presence-ref.js';

/**
 * In-process presence tracker following Phoenix.Presence conventions (spec §10.1).
 *
 * Pure data structure: no I/O, no timers, no broadcasting. Callers (the channel layer) track
 * presences on behalf of an `owner` — an opaque object identity, one per channel incarnation
 * (one channel on one socket) — and broadcast the returned diffs as `presence_diff`, and push
 * `list(topic)` as `presence_state`.
 *
 * Shape on the wire (what `list` and the diffs return):
 *   `{ [key]: { metas: [{ ...meta, phx_ref, phx_ref_prev? }, ...] } }`
 * with one meta per tracked (owner, key) pair, in tracking order.
 *
 * Complexity: track/update/untrack are O(1) (plus the size of the meta being copied);
 * untrackAll is O(entries of that owner); list is O(presences of that topic).
 */

export interface PresenceMeta {
  phx_ref: string;
  phx_ref_prev?: string;
  [key: string]: unknown;
}

export type PresenceState = Record<string, { metas: PresenceMeta[] }>;

export interface PresenceDiff {
  joins: PresenceState;
  leaves: PresenceState;
}

export type PresenceMetaUpdater = (current: Record<string, unknown>) => Record<string, unknown>;

export class PresenceError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'PresenceError';
  }
}

/** One tracked (topic, owner, key). The stored meta is never handed out, only copies. */
interface Entry {
  meta: PresenceMeta;
}

/** key → owner → entry. Inner Map keeps insertion (= tracking) order. */
type TopicPresences = Map<string, Map<object, Entry>>;

/** Per-owner index: topic → key → entry. */
type OwnerIndex = Map<string, Map<string, Entry>>;

export class PresenceTracker {
  private readonly byTopic = new Map<string, TopicPresences>();
  private readonly byOwner = new Map<object, OwnerIndex>();

  track(
    topic: string,
    owner: object,
    key: string,
    meta: Record<string, unknown>,
  ): { ref: string; diff: PresenceDiff } {
    checkArgs(topic, owner, key);
    checkMeta(meta);
    if (this.byTopic.get(topic)?.get(key)?.has(owner)) throw new PresenceError('already tracked');

    const ref = presenceRef();
    const entry: Entry = { meta: buildMeta(meta, ref, undefined) };

    let keys = this.byTopic.get(topic);
    if (!keys) {
      keys = new Map<string, Map<object, Entry>>();
      this.byTopic.set(topic, keys);
    }
    let owners = keys.get(key);
    if (!owners) {
      owners = new Map<object, Entry>();
      keys.set(key, owners);
    }
    owners.set(owner, entry);

    let topics = this.byOwner.get(owner);
    if (!topics) {
      topics = new Map<string, Map<string, Entry>>();
      this.byOwner.set(owner, topics);
    }
    let ownerKeys = topics.get(topic);
    if (!ownerKeys) {
      ownerKeys = new Map<string, Entry>();
      topics.set(topic, ownerKeys);
    }
    ownerKeys.set(key, entry);

    const joins = emptyState();
    addMeta(joins, key, entry.meta);
    return { ref, diff: { joins, leaves: emptyState() } };
  }

  update(
    topic: string,
    owner: object,
    key: string,
    meta: Record<string, unknown> | PresenceMetaUpdater,
  ): { ref: string; diff: PresenceDiff } | undefined {
    checkArgs(topic, owner, key);
    const entry = this.byTopic.get(topic)?.get(key)?.get(owner);
    if (!entry) return undefined;

    const next = typeof meta === 'function' ? meta({ ...entry.meta }) : meta;
    checkMeta(next);
    // The updater is user code: make sure it did not untrack/retrack this presence meanwhile.
    if (this.byTopic.get(topic)?.get(key)?.get(owner) !== entry) {
      throw new PresenceError('presence changed during update');
    }

    const previous = entry.meta;
    const ref = presenceRef();
    entry.meta = buildMeta(next, ref, previous.phx_ref);

    const joins = emptyState();
    const leaves = emptyState();
    addMeta(joins, key, entry.meta);
    addMeta(leaves, key, previous);
    return { ref, diff: { joins, leaves } };
  }

  untrack(topic: string, owner: object, key: string): PresenceDiff | undefined {
    checkArgs(topic, owner, key);
    const entry = this.byTopic.get(topic)?.get(key)?.get(owner);
    if (!entry) return undefined;

    this.removeFromTopic(topic, owner, key);
    const topics = this.byOwner.get(owner);
    const ownerKeys = topics?.get(topic);
    if (topics && ownerKeys) {
      ownerKeys.delete(key);
      if (ownerKeys.size === 0) topics.delete(topic);
      if (topics.size === 0) this.byOwner.delete(owner);
    }

    const leaves = emptyState();
    addMeta(leaves, key, entry.meta);
    return { joins: emptyState(), leaves };
  }

  /** Removes every presence of `owner` (its channel died); one diff per affected topic. */
  untrackAll(owner: object): Array<{ topic: string; diff: PresenceDiff }> {
    if (!isObject(owner)) throw new PresenceError('invalid owner');
    const topics = this.byOwner.get(owner);
    if (!topics) return [];
    this.byOwner.delete(owner);

    const result: Array<{ topic: string; diff: PresenceDiff }> = [];
    for (const [topic, ownerKeys] of topics) {
      const leaves = emptyState();
      for (const [key, entry] of ownerKeys) {
        this.removeFromTopic(topic, owner, key);
        addMeta(leaves, key, entry.meta);
      }
      result.push({ topic, diff: { joins: emptyState(), leaves } });
    }
    return result;
  }

  /** A fresh `presence_state` payload for `topic` (safe to mutate or serialize). */
  list(topic: string): PresenceState {
    const state = emptyState();
    const keys = this.byTopic.get(topic);
    if (!keys) return state;
    for (const [key, owners] of keys) {
      const metas: PresenceMeta[] = [];
      for (const entry of owners.values()) metas.push({ ...entry.meta });
      setOwn(state, key, { metas });
    }
    return state;
  }

  /** Topics with at least one presence. */
  topics(): string[] {
    return [...this.byTopic.keys()];
  }

  /** Adds the number of metas (tracked entries) of every topic to `into`. */
  countEntries(into: Map<string, number>): void {
    for (const [topic, keys] of this.byTopic) {
      let count = 0;
      for (const owners of keys.values()) count += owners.size;
      into.set(topic, (into.get(topic) ?? 0) + count);
    }
  }

  /** Number of distinct keys present in `topic`. */
  size(topic: string): number {
    return this.byTopic.get(topic)?.size ?? 0;
  }

  private removeFromTopic(topic: string, owner: object, key: string): void {
    const keys = this.byTopic.get(topic);
    const owners = keys?.get(key);
    if (!keys || !owners) return;
    owners.delete(owner);
    if (owners.size === 0) keys.delete(key);
    if (keys.size === 0) this.byTopic.delete(topic);
  }
}

function isObject(value: unknown): value is object {
  return (typeof value === 'object' && value !== null) || typeof value === 'function';
}

function checkArgs(topic: unknown, owner: unknown, key: unknown): void {
  if (typeof topic !== 'string') throw new PresenceError('invalid topic');
  if (!isObject(owner)) throw new PresenceError('invalid owner');
  if (typeof key !== 'string') throw new PresenceError('invalid key');
}

function checkMeta(meta: unknown): asserts meta is Record<string, unknown> {
  if (typeof meta !== 'object' || meta === null || Array.isArray(meta)) {
    throw new PresenceError('invalid meta');
  }
}

/** Shallow copy of the user's meta; the tracker's phx_ref / phx_ref_prev always win. */
function buildMeta(
  meta: Record<string, unknown>,
  ref: string,
  prevRef: string | undefined,
): PresenceMeta {
  // Spread copies own enumerable props as data properties (an own "__proto__" stays a key).
  const copy: Record<string, unknown> = { ...meta };
  delete copy.phx_ref;
  delete copy.phx_ref_prev;
  copy.phx_ref = ref;
  if (prevRef !== undefined) copy.phx_ref_prev = prevRef;
  return copy as PresenceMeta;
}
