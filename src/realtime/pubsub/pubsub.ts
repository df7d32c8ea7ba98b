import type { Broadcast } from './broadcast.js';

/** Something subscribed to topics on this node: a joined channel, or a socket's id topic. */
export interface Subscriber {
  deliver(broadcast: Broadcast): void;
}

/** A topic and how many subscribers it has on this node. */
export interface TopicSize {
  topic: string;
  subscribers: number;
}

/** Told of every broadcast made on this node (for operators' counts). */
export interface BroadcastCounter {
  broadcast(topic: string): void;
}

/**
 * The backplane. Subscriptions are local to this node; `broadcast` reaches the subscribers of
 * every node (the in-process implementation has one node), `localBroadcast` only this node's.
 * `from` is skipped (broadcast_from). Implementations must encode nothing per subscriber: they
 * hand every subscriber the same Broadcast.
 */
export abstract class PubSub {
  abstract subscribe(topic: string, subscriber: Subscriber): void;
  abstract unsubscribe(topic: string, subscriber: Subscriber): void;
  abstract broadcast(topic: string, event: string, payload: unknown, from?: Subscriber): void;
  abstract localBroadcast(topic: string, event: string, payload: unknown, from?: Subscriber): void;
  /** Subscribers of `topic` on this node. */
  abstract localSubscriberCount(topic: string): number;
  /** This node's `limit` topics with the most subscribers (of those `include` keeps), most first. */
  abstract busiestTopics(limit: number, include?: (topic: string) => boolean): TopicSize[];
}
