import { type BusHandler, type BusStatus, ClusterBus } from '../cluster/cluster-bus.js';
import { Binary } from '../transport/message.js';
import { V1_SERIALIZER, V2_SERIALIZER } from '../transport/serializers.js';
import type { Broadcast } from './broadcast.js';
import { ClusteredPubSub } from './clustered-pubsub.js';
import type { Subscriber } from './pubsub.js';

/** Two nodes joined by an in-memory bus (the Redis bus is exercised by test/cluster/). */
class PairedBus extends ClusterBus {
  readonly clustered = true;
  peer!: PairedBus;
  readonly published: Buffer[] = [];
  private readonly handlers = new Map<string, BusHandler>();

  constructor(readonly self: { name: string; boot: string }) {
    super();
  }

  publish(kind: string, body: Buffer): void {
    this.published.push(body);
    this.peer.handlers.get(kind)?.({ kind, origin: this.self, body });
  }
  send(): void {}
  on(kind: string, handler: BusHandler): void {
    this.handlers.set(kind, handler);
  }
  onGap(): void {}
  status(): BusStatus {
    return { backend: 'redis', cluster: 'c', node: this.self.name, connected: true };
  }
}

class Recorder implements Subscriber {
  readonly received: Broadcast[] = [];
  deliver(broadcast: Broadcast): void {
    this.received.push(broadcast);
  }
}

function pair() {
  const a = new PairedBus({ name: 'a', boot: '1' });
  const b = new PairedBus({ name: 'b', boot: '1' });
  a.peer = b;
  b.peer = a;
  return { busA: a, nodeA: new ClusteredPubSub(a), nodeB: new ClusteredPubSub(b) };
}

describe('ClusteredPubSub', () => {
  it('delivers locally at once and to the other node the same V2 bytes, encoded once', () => {
    const { busA, nodeA, nodeB } = pair();
    const [local, sender, remote] = [new Recorder(), new Recorder(), new Recorder()];
    nodeA.subscribe('room:1', local);
    nodeA.subscribe('room:1', sender);
    nodeB.subscribe('room:1', remote);
    nodeA.broadcast('room:1', 'msg', { text: 'hé' }, sender);
    expect(sender.received).toHaveLength(0); // broadcast_from: not the sender
    expect(local.received).toHaveLength(1);
    expect(remote.received).toHaveLength(1);
    const sent = local.received[0].frameFor(V2_SERIALIZER);
    const got = remote.received[0].frameFor(V2_SERIALIZER);
    expect(got.data).toEqual(sent.data);
    expect(JSON.parse(got.data.toString())).toEqual([null, null, 'room:1', 'msg', { text: 'hé' }]);
    expect(busA.published).toHaveLength(1);
  });

  it('decodes a received payload only when asked (V1 sockets, outgoing hooks), binary too', () => {
    const { nodeA, nodeB } = pair();
    const remote = new Recorder();
    nodeB.subscribe('room:1', remote);
    nodeA.broadcast('room:1', 'msg', { n: 1 });
    nodeA.broadcast('room:1', 'bytes', Binary.from(new Uint8Array([1, 2, 3])));
    const [json, bytes] = remote.received;
    expect(json.payload).toEqual({ n: 1 });
    expect(JSON.parse(json.frameFor(V1_SERIALIZER).data.toString())).toEqual({
      topic: 'room:1',
      event: 'msg',
      payload: { n: 1 },
      ref: null,
    });
    expect(bytes.frameFor(V2_SERIALIZER).binary).toBe(true);
    expect(bytes.payload).toEqual(Binary.from(new Uint8Array([1, 2, 3])));
  });

  it('drops what arrives for a topic nobody on this node subscribes to, and localBroadcast stays local', () => {
    const { busA, nodeA, nodeB } = pair();
    const remote = new Recorder();
    nodeA.broadcast('room:none', 'msg', {});
    nodeB.subscribe('room:1', remote);
    nodeA.localBroadcast('room:1', 'msg', {});
    expect(remote.received).toHaveLength(0);
    expect(busA.published).toHaveLength(1);
  });
});
