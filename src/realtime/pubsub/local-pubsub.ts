import { Injectable, Logger } from '@nestjs/common';
import { Broadcast } from './broadcast.js';
import { type BroadcastCounter, PubSub, type Subscriber, type TopicSize } from './pubsub.js';

/** The in-process backplane: one node, synchronous delivery. */
@Injectable()
export class LocalPubSub extends PubSub {
  protected readonly logger = new Logger('PubSub');
  /**
   * Each topic's subscribers: the subscriber itself while it is alone (every socket has a topic
   * of its own, its id's, so most topics have one), a Set from the second on.
   */
  private readonly topics = new Map<string, Subscriber | Set<Subscriber>>();

  /** `counter` is told of every broadcast made here (once per broadcast, not per delivery). */
  constructor(protected readonly counter?: BroadcastCounter) {
    super();
  }

  subscribe(topic: string, subscriber: Subscriber): void {
    const subscribers = this.topics.get(topic);
    if (subscribers === undefined) this.topics.set(topic, subscriber);
    else if (subscribers instanceof Set) subscribers.add(subscriber);
    else if (subscribers !== subscriber) this.topics.set(topic, new Set([subscribers, subscriber]));
  }

  unsubscribe(topic: string, subscriber: Subscriber): void {
    const subscribers = this.topics.get(topic);
    if (subscribers === subscriber) this.topics.delete(topic);
    else if (subscribers instanceof Set && subscribers.delete(subscriber) && subscribers.size === 0)
      this.topics.delete(topic);
  }

  broadcast(topic: string, event: string, payload: unknown, from?: Subscriber): void {
    this.localBroadcast(topic, event, payload, from);
  }

  localBroadcast(topic: string, event: string, payload: unknown, from?: Subscriber): void {
    this.counter?.broadcast(topic);
    if (this.topics.has(topic)) this.deliver(new Broadcast(topic, event, payload), from);
  }

  localSubscriberCount(topic: string): number {
    return sizeOf(this.topics.get(topic));
  }

  busiestTopics(limit: number, include: (topic: string) => boolean = () => true): TopicSize[] {
    const top: TopicSize[] = []; // most subscribers first, at most `limit`
    if (limit <= 0) return top;
    for (const [topic, subscribers] of this.topics) {
      const size = sizeOf(subscribers);
      if (top.length >= limit && size <= top[top.length - 1].subscribers) continue;
      if (!include(topic)) continue;
      let at = top.length;
      while (at > 0 && top[at - 1].subscribers < size) at--;
      top.splice(at, 0, { topic, subscribers: size });
      if (top.length > limit) top.pop();
    }
    return top;
  }

  /** Hands `broadcast` to this node's subscribers of its topic, but `from`. */
  protected deliver(broadcast: Broadcast, from?: Subscriber): void {
    const { topic } = broadcast;
    const subscribers = this.topics.get(topic);
    if (subscribers === undefined) return;
    if (!(subscribers instanceof Set)) {
      if (subscribers !== from) this.deliverTo(subscribers, broadcast);
      return;
    }
    for (const subscriber of subscribers) {
      if (subscriber !== from) this.deliverTo(subscriber, broadcast);
    }
  }

  private deliverTo(subscriber: Subscriber, broadcast: Broadcast): void {
    try {
      subscriber.deliver(broadcast);
    } catch (error) {
      this.logger.error(
        `delivery on ${broadcast.topic} failed: ${error instanceof Error ? error.stack : String(error)}`,
      );
    }
  }
}

function sizeOf(subscribers: Subscriber | Set<Subscriber> | undefined): number {
  if (subscribers === undefined) return 0;
  return subscribers instanceof Set ? subscribers.size : 1;
}
