import { addMeta, emptyState, isEmptyDiff } from './presence-diff.js';
import type { PresenceDiff, PresenceMeta, PresenceState } from './presence-tracker.js';
import type { StateTransfer, TopicDelta } from './presence-wire.js';

/** What changed on one topic, for this node's subscribers. */
export interface TopicChange {
  topic: string;
  diff: PresenceDiff;
}

/** key → phx_ref → meta (as the owner made it). */
type TopicEntries = Map<string, Map<string, PresenceMeta>>;

/**
 * This node's copy of one remote node's presence entries (one boot of it). Applying is
 * idempotent per `phx_ref` (a join already held, or a leave of a meta not held, changes
 * nothing), and every method returns only what really changed, as diffs per topic.
 */
export class PresenceReplica {
  /** The owner's version this copy is at; undefined while a state transfer is awaited. */
  version: number | undefined;
  /** When a state transfer was last asked for (undefined: none outstanding). */
  requestedAt: number | undefined;
  private topics = new Map<string, TopicEntries>();

  constructor(
    readonly boot: string,
    /** When the owner was last heard from. */
    public lastHeardAt: number,
  ) {}

  /** Applies a heartbeat's changes. */
  apply(deltas: readonly TopicDelta[]): TopicChange[] {
    const changes: TopicChange[] = [];
    for (const { topic, joins, leaves } of deltas) {
      const diff: PresenceDiff = { joins: emptyState(), leaves: emptyState() };
      let entries = this.topics.get(topic);
      for (const [key, meta] of joins) {
        if (entries === undefined) this.topics.set(topic, (entries = new Map() as TopicEntries));
        if (put(entries, key, meta)) addMeta(diff.joins, key, meta);
      }
      for (const [key, ref] of leaves) {
        const left = entries === undefined ? undefined : take(entries, key, ref);
        if (left !== undefined) addMeta(diff.leaves, key, left);
      }
      if (entries?.size === 0) this.topics.delete(topic);
      if (!isEmptyDiff(diff)) changes.push({ topic, diff });
    }
    return changes;
  }

  /** Replaces every entry with the owner's full set (a state transfer). */
  replace(state: StateTransfer['topics']): TopicChange[] {
    const previous = this.topics;
    this.topics = new Map();
    const changes: TopicChange[] = [];
    for (const [topic, keys] of state) {
      const entries: TopicEntries = new Map();
      const old = previous.get(topic);
      previous.delete(topic);
      const diff: PresenceDiff = { joins: emptyState(), leaves: emptyState() };
      for (const [key, metas] of keys) {
        for (const meta of metas) {
          if (!put(entries, key, meta)) continue; // listed twice
          if (old === undefined || take(old, key, meta.phx_ref) === undefined) {
            addMeta(diff.joins, key, meta);
          }
        }
      }
      if (old !== undefined) addAll(diff.leaves, old);
      if (entries.size > 0) this.topics.set(topic, entries);
      if (!isEmptyDiff(diff)) changes.push({ topic, diff });
    }
    return changes.concat(leavesOf(previous));
  }

  /** Every entry leaves (the owner is gone). */
  clear(): TopicChange[] {
    const changes = leavesOf(this.topics);
    this.topics = new Map();
    return changes;
  }

  /** Adds copies of this node's metas on `topic` to `state`. */
  addTo(topic: string, state: PresenceState): void {
    const entries = this.topics.get(topic);
    if (entries === undefined) return;
    for (const [key, metas] of entries) {
      for (const meta of metas.values()) addMeta(state, key, meta);
    }
  }

  /** Adds the number of metas held per topic to `into`. */
  countEntries(into: Map<string, number>): void {
    for (const [topic, entries] of this.topics) {
      let count = 0;
      for (const metas of entries.values()) count += metas.size;
      into.set(topic, (into.get(topic) ?? 0) + count);
    }
  }

  /** Number of metas held (for logs). */
  get size(): number {
    let count = 0;
    for (const entries of this.topics.values()) {
      for (const metas of entries.values()) count += metas.size;
    }
    return count;
  }
}

/** Stores `meta` under `key`; false when its phx_ref was already there. */
function put(entries: TopicEntries, key: string, meta: PresenceMeta): boolean {
  let metas = entries.get(key);
  if (metas === undefined) entries.set(key, (metas = new Map<string, PresenceMeta>()));
  if (metas.has(meta.phx_ref)) return false;
  metas.set(meta.phx_ref, meta);
  return true;
}

/** Removes and returns the meta `ref` of `key`, if held. */
function take(entries: TopicEntries, key: string, ref: string): PresenceMeta | undefined {
  const metas = entries.get(key);
  const meta = metas?.get(ref);
  if (metas === undefined || meta === undefined) return undefined;
  metas.delete(ref);
  if (metas.size === 0) entries.delete(key);
  return meta;
}

function addAll(state: PresenceState, entries: TopicEntries): void {
  for (const [key, metas] of entries) {
    for (const meta of metas.values()) addMeta(state, key, meta);
  }
}

function leavesOf(topics: Map<string, TopicEntries>): TopicChange[] {
  const changes: TopicChange[] = [];
  for (const [topic, entries] of topics) {
    const diff: PresenceDiff = { joins: emptyState(), leaves: emptyState() };
    addAll(diff.leaves, entries);
    if (!isEmptyDiff(diff)) changes.push({ topic, diff });
  }
  return changes;
}
