/** Who a node is: its name (NODE_NAME) and this run of it (a new boot id at every start). */
export interface NodeIdentity {
  name: string;
  boot: string;
}

/** One message between nodes, as a handler receives it. */
export interface BusMessage {
  kind: string;
  /** The sending node. */
  origin: NodeIdentity;
  body: Buffer;
}

export type BusHandler = (message: BusMessage) => void;

/** The bus's state, for readiness and operators. */
export interface BusStatus {
  /** `local`: one node, no bus; `redis`: the Redis backplane. */
  backend: 'local' | 'redis';
  cluster: string;
  node: string;
  /** False while the node cannot reach the bus (it then answers 503 on /health/ready). */
  connected: boolean;
}

/** What a node's bus carried, counted as it goes (operators' metrics). */
export interface BusTraffic {
  /** Messages received from other nodes. */
  messagesIn: number;
  /** Messages published or sent to other nodes. */
  messagesOut: number;
  /** Gaps detected: messages from a node lost, or the bus itself lost for a while. */
  gaps: number;
}

/**
 * The cluster's message bus, after `phoenix_pubsub`'s adapter contract: fire-and-forget, at
 * most once, in order per sending node. `publish` reaches every other node, `send` one node.
 * Every message carries its origin's name, boot id and a sequence number (per origin and
 * destination), so that receivers detect gaps: `onGap` is told the origin whose messages were
 * lost (or `undefined` when the bus itself was lost for a while and anything may be missing).
 */
export abstract class ClusterBus {
  abstract readonly self: NodeIdentity;
  /** False for the in-process bus (one node): publishing is then pointless, callers skip it. */
  abstract readonly clustered: boolean;

  abstract publish(kind: string, body: Buffer): void;
  abstract send(node: string, kind: string, body: Buffer): void;
  /** Handles every message of `kind` from other nodes. */
  abstract on(kind: string, handler: BusHandler): void;
  abstract onGap(handler: (origin: NodeIdentity | undefined) => void): void;
  abstract status(): BusStatus;
}
