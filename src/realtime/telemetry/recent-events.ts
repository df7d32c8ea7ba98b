/** Something an operator wants to see: a refusal or an error, with its time and reason. */
export type RecentEvent =
  | { kind: 'connect_refused'; at: number; transport: string; status: number; reason: string }
  | { kind: 'join_refused'; at: number; topic: string; reason: string }
  | { kind: 'malformed_frame'; at: number; transport: string; reason: string }
  | { kind: 'abnormal_close'; at: number; transport: string; code: number; reason: string };

/** Distributes `Omit` over the union (the event without its time). */
export type RecentEventInput = RecentEvent extends infer E
  ? E extends RecentEvent
    ? Omit<E, 'at'>
    : never
  : never;

/** The last `capacity` events (a ring: the oldest is overwritten), newest first when listed. */
export class RecentEvents {
  private readonly ring: RecentEvent[] = [];
  private next = 0;

  constructor(
    private readonly capacity = 50,
    private readonly now: () => number = Date.now,
  ) {}

  add(event: RecentEventInput): void {
    const stamped: RecentEvent = { ...event, at: this.now() };
    if (this.ring.length < this.capacity) this.ring.push(stamped);
    else this.ring[this.next] = stamped;
    this.next = (this.next + 1) % this.capacity;
  }

  /** Newest first. */
  list(): RecentEvent[] {
    const ordered = [...this.ring.slice(this.next), ...this.ring.slice(0, this.next)];
    return ordered.reverse();
  }
}
