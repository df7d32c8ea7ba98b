import type { PresenceDiff, PresenceMeta } from './presence-tracker.js';
import type { TopicDelta } from './presence-wire.js';

interface PendingTopic {
  /** phx_ref → [key, meta], in joining order. */
  joins: Map<string, [string, PresenceMeta]>;
  /** `[key, phx_ref]` of metas that were already announced and have left since. */
  leaves: Array<[string, string]>;
}

/**
 * This node's presence changes since its last heartbeat, merged per topic: recording a change
 * costs a map operation (nothing is encoded until the heartbeat), and a meta that joins and
 * leaves between two heartbeats is never announced. Metas are kept by reference: nothing
 * mutates them (the tracker hands out fresh copies in its diffs).
 */
export class PresenceOutbox {
  private topics = new Map<string, PendingTopic>();

  get empty(): boolean {
    return this.topics.size === 0;
  }

  record(topic: string, diff: PresenceDiff): void {
    let pending = this.topics.get(topic);
    if (pending === undefined) {
      pending = { joins: new Map(), leaves: [] };
      this.topics.set(topic, pending);
    }
    for (const [key, { metas }] of Object.entries(diff.joins)) {
      for (const meta of metas) pending.joins.set(meta.phx_ref, [key, meta]);
    }
    for (const [key, { metas }] of Object.entries(diff.leaves)) {
      for (const { phx_ref } of metas) {
        if (!pending.joins.delete(phx_ref)) pending.leaves.push([key, phx_ref]);
      }
    }
    if (pending.joins.size === 0 && pending.leaves.length === 0) this.topics.delete(topic);
  }

  /** Everything recorded since the last call (empty array when nothing was), and forgets it. */
  take(): TopicDelta[] {
    const deltas: TopicDelta[] = [];
    for (const [topic, { joins, leaves }] of this.topics) {
      deltas.push({ topic, joins: [...joins.values()], leaves });
    }
    this.topics = new Map();
    return deltas;
  }

  clear(): void {
    this.topics = new Map();
  }
}
