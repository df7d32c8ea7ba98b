import type { BusMessage, ClusterBus, NodeIdentity } from '../cluster/cluster-bus.js';
import { PresenceOutbox } from './presence-outbox.js';
import { PresenceReplica, type TopicChange } from './presence-replica.js';
import type { PresenceDiff, PresenceState, PresenceTracker } from './presence-tracker.js';
import {
  decodeHeartbeat,
  decodeState,
  encodeHeartbeat,
  encodeState,
  type Heartbeat,
  type StateTransfer,
} from './presence-wire.js';

/** Bus kinds: published to every node, but STATE_REQUEST and STATE (sent to one). */
export const PRESENCE_KINDS = {
  HEARTBEAT: 'presence:heartbeat',
  STATE_REQUEST: 'presence:state-request',
  STATE: 'presence:state',
  NODE_LEFT: 'presence:node-left',
} as const;

const NOTHING = Buffer.alloc(0);

export interface PresenceReplicationOptions {
  bus: Pick<ClusterBus, 'self' | 'publish' | 'send'>;
  /** PRESENCE_HEARTBEAT_MS. */
  heartbeatMs: number;
  /** PRESENCE_DOWN_MS: a node silent this long is dead. */
  downMs: number;
  /** This node's own entries, read for a state transfer. */
  local: Pick<PresenceTracker, 'topics' | 'list'>;
  /** Every change to other nodes' entries, for this node's subscribers. */
  changed(change: TopicChange): void;
  logger: { log(message: string): void; warn(message: string): void };
  now?: () => number;
}

/**
 * Presence across nodes, after Phoenix.Tracker: each node owns the entries of its own channels
 * and every node keeps a replica of every other node's (no presence state in Redis).
 *
 * - Every PRESENCE_HEARTBEAT_MS a node publishes a heartbeat with its changes since the previous
 *   one (`recordLocal` only merges them in memory) and its version, which counts its non-empty
 *   heartbeats; an idle node's empty heartbeat proves it alive.
 * - A receiver applies a heartbeat that follows the version it holds. On a gap, an unknown node
 *   or an unknown boot, it asks the owner for its full state (`send` to that node); the owner
 *   first publishes what it has pending, so the state it answers is exactly at its version. A
 *   node that just booted needs no transfer: version 0 is the empty set.
 * - A new boot id for a known name replaces the old boot's entries (they leave at once); a node
 *   silent for PRESENCE_DOWN_MS is dead and its entries leave; `leave()` tells the others to
 *   drop this node's entries at once. After losing the bus (`busLost`), every replica is asked
 *   for again.
 *
 * One timer (every half heartbeat) sends the heartbeat and sweeps for silent nodes, so that a
 * dead node's entries leave within PRESENCE_DOWN_MS plus half a heartbeat of its last word.
 */
export class PresenceReplication {
  private readonly bus: PresenceReplicationOptions['bus'];
  private readonly now: () => number;
  private readonly outbox = new PresenceOutbox();
  /** By node name: one boot per name. */
  private readonly replicas = new Map<string, PresenceReplica>();
  /** Boots that left or were replaced (`name boot` → when): their late messages are ignored. */
  private readonly retired = new Map<string, number>();
  private version = 0;
  private timer: NodeJS.Timeout | undefined;
  private ticks = 0;
  private lastTickAt: number | undefined;
  private left = false;

  constructor(private readonly options: PresenceReplicationOptions) {
    this.bus = options.bus;
    this.now = options.now ?? Date.now;
  }

  start(): void {
    if (this.timer !== undefined || this.left) return;
    const tickMs = Math.max(1, Math.floor(this.options.heartbeatMs / 2));
    this.timer = setInterval(() => this.tick(), tickMs).unref();
  }

  stop(): void {
    clearInterval(this.timer);
    this.timer = undefined;
  }

  /** A change to this node's own entries, announced at the next heartbeat. */
  recordLocal(topic: string, diff: PresenceDiff): void {
    if (!this.left) this.outbox.record(topic, diff);
  }

  /** Adds copies of every other node's metas on `topic` to `state`. */
  addRemote(topic: string, state: PresenceState): void {
    for (const replica of this.replicas.values()) replica.addTo(topic, state);
  }

  /** Adds the number of other nodes' metas per topic to `into`. */
  countEntries(into: Map<string, number>): void {
    for (const replica of this.replicas.values()) replica.countEntries(into);
  }

  /** The other nodes heard from within PRESENCE_DOWN_MS (those that left or went silent drop out). */
  nodeNames(): string[] {
    return [...this.replicas.keys()];
  }

  /** This node stops: every other node drops its entries now. Final. */
  leave(): void {
    if (this.left) return;
    this.left = true;
    this.stop();
    this.outbox.clear();
    this.bus.publish(PRESENCE_KINDS.NODE_LEFT, NOTHING);
  }

  /** The bus was lost for a while: anything may be missing, every replica is asked for again. */
  busLost(): void {
    if (this.replicas.size > 0) {
      this.options.logger.warn(`presence: bus lost, asking ${this.replicas.size} nodes again`);
    }
    for (const [name, replica] of this.replicas) this.requestState(name, replica, true);
  }

  /** A message of one of PRESENCE_KINDS from another node. */
  receive({ kind, origin, body }: BusMessage): void {
    if (this.retired.has(bootId(origin))) return;
    switch (kind) {
      case PRESENCE_KINDS.HEARTBEAT:
        return this.onHeartbeat(origin, decodeHeartbeat(body));
      case PRESENCE_KINDS.STATE:
        return this.onState(origin, decodeState(body));
      case PRESENCE_KINDS.STATE_REQUEST:
        return this.onStateRequest(origin);
      case PRESENCE_KINDS.NODE_LEFT:
        return this.onNodeLeft(origin);
    }
  }

  /** The timer's work: a heartbeat every other tick, a sweep at every tick. */
  tick(): void {
    if (this.left) return;
    const now = this.now();
    // After a stall of this process (a long GC, a blocked loop), heartbeats that arrived
    // meanwhile are still unread: give them a turn before judging anybody silent.
    const stalled =
      this.lastTickAt !== undefined && now - this.lastTickAt > this.options.heartbeatMs;
    this.lastTickAt = now;
    if (this.ticks++ % 2 === 0) this.heartbeat();
    if (!stalled) this.sweep(now);
  }

  private heartbeat(): void {
    const topics = this.outbox.take();
    if (topics.length > 0) this.version++;
    const heartbeat: Heartbeat = { version: this.version, topics };
    this.bus.publish(PRESENCE_KINDS.HEARTBEAT, encodeHeartbeat(heartbeat));
  }

  private sweep(now: number): void {
    for (const [name, replica] of this.replicas) {
      const silentMs = now - replica.lastHeardAt;
      if (silentMs > this.options.downMs)
        this.drop(name, replica, `silent for ${silentMs} ms`, 'warn');
    }
    for (const [id, at] of this.retired) {
      if (now - at > 2 * this.options.downMs) this.retired.delete(id);
    }
  }

  private onHeartbeat(origin: NodeIdentity, { version, topics }: Heartbeat): void {
    const replica = this.replicaOf(origin);
    // The version these changes start from (an empty heartbeat only says where the owner is).
    const from = topics.length === 0 ? version : version - 1;
    if (replica.version === undefined && from === 0)
      this.replace(replica, { version: 0, topics: [] });
    if (replica.version === from) {
      this.emit(replica.apply(topics));
      replica.version = version;
    } else if (replica.version === undefined || version > replica.version) {
      this.requestState(origin.name, replica);
    } // else: already applied
  }

  private onState(origin: NodeIdentity, state: StateTransfer): void {
    const replica = this.replicaOf(origin);
    if (replica.version !== undefined && state.version < replica.version) return; // outdated
    this.replace(replica, state);
  }

  private onStateRequest(origin: NodeIdentity): void {
    if (this.left) return;
    const replica = this.replicas.get(origin.name);
    if (replica?.boot === origin.boot) replica.lastHeardAt = this.now();
    // Publish what is pending first: the state sent is then exactly at `version`.
    if (!this.outbox.empty) this.heartbeat();
    const state: StateTransfer = { version: this.version, topics: this.localEntries() };
    this.bus.send(origin.name, PRESENCE_KINDS.STATE, encodeState(state));
  }

  private localEntries(): StateTransfer['topics'] {
    const { local } = this.options;
    return local
      .topics()
      .map((topic) => [
        topic,
        Object.entries(local.list(topic)).map(([key, { metas }]) => [key, metas]),
      ]);
  }

  private onNodeLeft(origin: NodeIdentity): void {
    this.retire(origin);
    const replica = this.replicas.get(origin.name);
    if (replica?.boot === origin.boot) this.drop(origin.name, replica, 'left the cluster', 'log');
  }

  /** The replica of `origin`'s boot (a new one for an unknown node or boot), marked as heard. */
  private replicaOf(origin: NodeIdentity): PresenceReplica {
    const now = this.now();
    let replica = this.replicas.get(origin.name);
    if (replica !== undefined && replica.boot !== origin.boot) {
      this.retire({ name: origin.name, boot: replica.boot });
      this.drop(origin.name, replica, 'restarted', 'log');
      replica = undefined;
    }
    if (replica === undefined) {
      replica = new PresenceReplica(origin.boot, now);
      this.replicas.set(origin.name, replica);
    }
    replica.lastHeardAt = now;
    return replica;
  }

  private replace(replica: PresenceReplica, { version, topics }: StateTransfer): void {
    this.emit(replica.replace(topics));
    replica.version = version;
    replica.requestedAt = undefined;
  }

  /**
   * Waits for `name`'s full state (deltas are ignored until it comes) and asks for it, unless
   * it was asked for lately (`force`: ask anyway). A lost answer is asked for again at a later
   * heartbeat.
   */
  private requestState(name: string, replica: PresenceReplica, force = false): void {
    replica.version = undefined;
    const now = this.now();
    const asked = replica.requestedAt;
    if (!force && asked !== undefined && now - asked < 2 * this.options.heartbeatMs) return;
    replica.requestedAt = now;
    this.bus.send(name, PRESENCE_KINDS.STATE_REQUEST, NOTHING);
  }

  private drop(name: string, replica: PresenceReplica, why: string, level: 'log' | 'warn'): void {
    this.replicas.delete(name);
    const count = replica.size;
    this.emit(replica.clear());
    this.options.logger[level](
      `presence: node ${name} (boot ${replica.boot}) ${why}: its ${count} presences left`,
    );
  }

  private retire(origin: NodeIdentity): void {
    this.retired.set(bootId(origin), this.now());
  }

  private emit(changes: TopicChange[]): void {
    for (const change of changes) this.options.changed(change);
  }
}

function bootId({ name, boot }: NodeIdentity): string {
  return `${name} ${boot}`;
}
