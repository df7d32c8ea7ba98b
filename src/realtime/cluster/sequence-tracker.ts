import type { NodeIdentity } from './cluster-bus.js';

/**
 * The last sequence number seen per sender (name and boot) on one channel: tells whether a
 * message follows the previous one, or whether some were lost in between. A sender seen for the
 * first time (or with a new boot) starts wherever it is.
 */
export class SequenceTracker {
  private readonly last = new Map<string, { boot: string; seq: number }>();

  /** True when messages from `origin` were lost before `seq`. */
  gapBefore(origin: NodeIdentity, seq: number): boolean {
    const known = this.last.get(origin.name);
    this.last.set(origin.name, { boot: origin.boot, seq });
    if (known === undefined || known.boot !== origin.boot) return false;
    return seq !== known.seq + 1;
  }

  /** Forgets a sender (it left the cluster). */
  forget(name: string): void {
    this.last.delete(name);
  }

  /** After losing the bus for a while: everyone starts afresh. */
  reset(): void {
    this.last.clear();
  }
}
