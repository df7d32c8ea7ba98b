interface Pending<T> {
  node: string;
  timer: NodeJS.Timeout;
  resolve: (reply: T | undefined) => void;
}

/**
 * Requests sent to other nodes and awaiting their reply. Each ends once: with the reply from
 * the node it was sent to, or with `undefined` when that node does not answer in time (dead,
 * or gone from the bus) or the request is cancelled. Ids start with `prefix` (this node's boot
 * id), so that replies meant for an earlier run of the node match nothing. At most `limit`
 * requests wait at once, so memory stays bounded whatever the other nodes do.
 */
export class PendingReplies<T> {
  private readonly pending = new Map<string, Pending<T>>();
  private next = 0;

  constructor(
    private readonly prefix: string,
    private readonly limit: number,
  ) {}

  get size(): number {
    return this.pending.size;
  }

  /**
   * A new request to `node`: its id and its reply (`undefined` after `timeoutMs`). Undefined
   * when `limit` requests are waiting already: the caller does not send it.
   */
  start(
    node: string,
    timeoutMs: number,
  ): { id: string; reply: Promise<T | undefined> } | undefined {
    if (this.pending.size >= this.limit) return undefined;
    const id = `${this.prefix}.${++this.next}`;
    const reply = new Promise<T | undefined>((resolve) => {
      const timer = setTimeout(() => this.end(id, undefined), timeoutMs);
      this.pending.set(id, { node, timer, resolve });
    });
    return { id, reply };
  }

  /** `node`'s reply to `id`; false (and ignored) unless `id` is waiting for that node. */
  settle(id: string, node: string, reply: T): boolean {
    if (this.pending.get(id)?.node !== node) return false;
    return this.end(id, reply);
  }

  /** Gives up on `id`: it ends with `undefined`, and a late reply is ignored. */
  cancel(id: string): boolean {
    return this.end(id, undefined);
  }

  /** Ends every waiting request with `reply` (the node stops). */
  settleAll(reply: T): void {
    for (const id of [...this.pending.keys()]) this.end(id, reply);
  }

  private end(id: string, reply: T | undefined): boolean {
    const entry = this.pending.get(id);
    if (entry === undefined) return false;
    this.pending.delete(id);
    clearTimeout(entry.timer);
    entry.resolve(reply);
    return true;
  }
}
