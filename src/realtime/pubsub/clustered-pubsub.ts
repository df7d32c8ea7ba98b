import type { BusMessage, ClusterBus } from '../cluster/cluster-bus.js';
import { V2_SERIALIZER } from '../transport/serializers.js';
import { Broadcast } from './broadcast.js';
import { LocalPubSub } from './local-pubsub.js';
import type { BroadcastCounter, Subscriber } from './pubsub.js';
import { decodeWireBroadcast, encodeWireBroadcast } from './wire-broadcast.js';

const BROADCAST = 'broadcast';

/**
 * PubSub over the cluster bus: a broadcast reaches this node's subscribers at once, and every
 * other node through the bus, encoded once for the whole cluster (its V2 frame: null refs, so
 * the same bytes suit every V2 socket everywhere). Subscriptions stay local; every node receives
 * every broadcast and hands it to its own subscribers.
 */
export class ClusteredPubSub extends LocalPubSub {
  constructor(
    private readonly bus: ClusterBus,
    counter?: BroadcastCounter,
  ) {
    super(counter);
    bus.on(BROADCAST, (message) => this.receive(message));
  }

  override broadcast(topic: string, event: string, payload: unknown, from?: Subscriber): void {
    this.counter?.broadcast(topic);
    const broadcast = new Broadcast(topic, event, payload);
    this.deliver(broadcast, from);
    let frame;
    try {
      frame = broadcast.frameFor(V2_SERIALIZER);
    } catch (error) {
      this.logger.error(`cannot publish ${event} on ${topic}: ${(error as Error).message}`);
      return;
    }
    this.bus.publish(BROADCAST, encodeWireBroadcast(topic, event, frame));
  }

  private receive({ body }: BusMessage): void {
    const { topic, event, frame } = decodeWireBroadcast(body);
    if (this.localSubscriberCount(topic) === 0) return;
    this.deliver(Broadcast.encoded(topic, event, V2_SERIALIZER, frame));
  }
}
