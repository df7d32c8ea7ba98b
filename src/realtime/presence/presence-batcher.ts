import { isEmptyDiff, mergeDiff } from './presence-diff.js';
import type { PresenceDiff } from './presence-tracker.js';

/** What a batch hands out when it is flushed. */
export interface PresenceSink<C> {
  /** Pushes the topic's current state to these channels (each asked for it in this batch). */
  sendState(topic: string, recipients: ReadonlySet<C>): void;
  /** Broadcasts one diff for every change of the batch. */
  sendDiff(topic: string, diff: PresenceDiff): void;
}

interface TopicBatch<C> {
  diff: PresenceDiff | undefined;
  stateFor: Set<C>;
  /** A flush is scheduled (setImmediate, or the end of the quiet interval). */
  scheduled: boolean;
  /** The last flush was under `intervalMs` ago: the next waits for the interval's end. */
  cooling: boolean;
  immediate: NodeJS.Immediate | undefined;
  timeout: NodeJS.Timeout | undefined;
}

/**
 * Groups a topic's presence changes and `presence_state` requests: the first change of a quiet
 * topic goes out at the end of the current event-loop turn (no added latency), and later changes
 * wait until `intervalMs` after the previous flush, merged into one `presence_diff`, with one
 * state encoding for every channel that joined meanwhile. Without it, N sockets joining a topic
 * cost N diffs to up to N sockets each (and N full states): quadratic in frames; with it the
 * frames grow with N times the number of flushes.
 */
export class PresenceBatcher<C> {
  private readonly batches = new Map<string, TopicBatch<C>>();

  constructor(
    private readonly sink: PresenceSink<C>,
    private readonly intervalMs: number,
  ) {}

  diff(topic: string, diff: PresenceDiff): void {
    const batch = this.batchOf(topic);
    if (batch.diff === undefined) batch.diff = diff;
    else mergeDiff(batch.diff, diff);
    this.schedule(topic, batch);
  }

  state(topic: string, recipient: C): void {
    const batch = this.batchOf(topic);
    batch.stateFor.add(recipient);
    this.schedule(topic, batch);
  }

  /** Drops what is pending and stops every timer. */
  close(): void {
    for (const batch of this.batches.values()) this.clearTimer(batch);
    this.batches.clear();
  }

  private batchOf(topic: string): TopicBatch<C> {
    let batch = this.batches.get(topic);
    if (batch === undefined) {
      batch = {
        diff: undefined,
        stateFor: new Set(),
        scheduled: false,
        cooling: false,
        immediate: undefined,
        timeout: undefined,
      };
      this.batches.set(topic, batch);
    }
    return batch;
  }

  private schedule(topic: string, batch: TopicBatch<C>): void {
    if (batch.scheduled) return;
    batch.scheduled = true;
    if (batch.cooling) return; // the cooling timer flushes it
    batch.immediate = setImmediate(() => this.flush(topic, batch));
  }

  private flush(topic: string, batch: TopicBatch<C>): void {
    batch.immediate = undefined;
    batch.timeout = undefined;
    if (!batch.scheduled) {
      // A quiet interval ended with nothing new: the topic is quiet again.
      this.batches.delete(topic);
      return;
    }
    const { diff, stateFor } = batch;
    batch.diff = undefined;
    batch.stateFor = new Set();
    batch.scheduled = false;
    if (this.intervalMs > 0) {
      batch.cooling = true;
      batch.timeout = setTimeout(() => this.flush(topic, batch), this.intervalMs).unref();
    } else {
      this.batches.delete(topic);
    }
    if (stateFor.size > 0) this.sink.sendState(topic, stateFor);
    if (diff !== undefined && !isEmptyDiff(diff)) this.sink.sendDiff(topic, diff);
  }

  private clearTimer(batch: TopicBatch<C>): void {
    clearImmediate(batch.immediate);
    clearTimeout(batch.timeout);
    batch.immediate = undefined;
    batch.timeout = undefined;
  }
}
