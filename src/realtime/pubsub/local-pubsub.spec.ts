import { jest } from '@jest/globals';
import type { Frame, Message } from '../transport/message.js';
import type { Serializer } from '../transport/serializer.js';
import type { Broadcast } from './broadcast.js';
import { LocalPubSub } from './local-pubsub.js';
import type { Subscriber } from './pubsub.js';

class CountingSerializer implements Serializer {
  encoded = 0;
  constructor(readonly vsn: string) {}
  decode(): Message {
    throw new Error('not used');
  }
  encode(message: Message): Frame {
    this.encoded++;
    return {
      data: JSON.stringify([this.vsn, message.topic, message.event, message.payload]),
      binary: false,
    };
  }
}

class Recorder implements Subscriber {
  readonly frames: Frame[] = [];
  constructor(private readonly serializer: Serializer) {}
  deliver(broadcast: Broadcast): void {
    this.frames.push(broadcast.frameFor(this.serializer));
  }
}

describe('LocalPubSub', () => {
  it('encodes a broadcast once per framing, whatever the number of subscribers', () => {
    const pubsub = new LocalPubSub();
    const v1 = new CountingSerializer('1.0.0');
    const v2 = new CountingSerializer('2.0.0');
    const subscribers = Array.from({ length: 200 }, (_, i) => new Recorder(i % 2 ? v1 : v2));
    for (const s of subscribers) pubsub.subscribe('room:1', s);

    pubsub.broadcast('room:1', 'tick', { n: 1 });

    expect(v1.encoded).toBe(1);
    expect(v2.encoded).toBe(1);
    expect(subscribers.every((s) => s.frames.length === 1)).toBe(true);
    // every subscriber of a framing gets the very same bytes
    expect(new Set(subscribers.filter((_, i) => i % 2).map((s) => s.frames[0].data)).size).toBe(1);
    expect(Buffer.isBuffer(subscribers[0].frames[0].data)).toBe(true);
  });

  it('keeps a lone subscriber, a second, and back to one, as one set of subscribers', () => {
    const pubsub = new LocalPubSub();
    const serializer = new CountingSerializer('2.0.0');
    const [a, b] = [new Recorder(serializer), new Recorder(serializer)];
    pubsub.subscribe('phx_socket_id:1', a);
    pubsub.subscribe('phx_socket_id:1', a); // twice: still one
    expect(pubsub.localSubscriberCount('phx_socket_id:1')).toBe(1);
    pubsub.broadcast('phx_socket_id:1', 'disconnect', {});
    pubsub.broadcast('phx_socket_id:1', 'disconnect', {}, a); // from the lone one: nobody
    expect([a.frames.length, b.frames.length]).toEqual([1, 0]);

    pubsub.subscribe('phx_socket_id:1', b);
    expect(pubsub.localSubscriberCount('phx_socket_id:1')).toBe(2);
    pubsub.broadcast('phx_socket_id:1', 'disconnect', {});
    expect([a.frames.length, b.frames.length]).toEqual([2, 1]);

    pubsub.unsubscribe('phx_socket_id:1', a);
    pubsub.unsubscribe('phx_socket_id:1', a); // not subscribed any more: no effect
    expect(pubsub.localSubscriberCount('phx_socket_id:1')).toBe(1);
    pubsub.broadcast('phx_socket_id:1', 'disconnect', {});
    expect([a.frames.length, b.frames.length]).toEqual([2, 2]);
    pubsub.unsubscribe('phx_socket_id:1', a); // someone else's topic: b stays
    expect(pubsub.localSubscriberCount('phx_socket_id:1')).toBe(1);
    pubsub.unsubscribe('phx_socket_id:1', b);
    expect(pubsub.localSubscriberCount('phx_socket_id:1')).toBe(0);
    expect(pubsub.busiestTopics(10)).toEqual([]);
  });

  it('skips the sender on broadcast-from, and only the topic subscribers receive', () => {
    const pubsub = new LocalPubSub();
    const serializer = new CountingSerializer('2.0.0');
    const [a, b, other] = [
      new Recorder(serializer),
      new Recorder(serializer),
      new Recorder(serializer),
    ];
    pubsub.subscribe('room:1', a);
    pubsub.subscribe('room:1', b);
    pubsub.subscribe('room:2', other);

    pubsub.broadcast('room:1', 'tick', {}, a);

    expect(a.frames).toHaveLength(0);
    expect(b.frames).toHaveLength(1);
    expect(other.frames).toHaveLength(0);
  });

  it('forgets empty topics and survives a failing subscriber', () => {
    const pubsub = new LocalPubSub();
    const serializer = new CountingSerializer('2.0.0');
    const failing: Subscriber = {
      deliver: () => {
        throw new Error('broken subscriber');
      },
    };
    const ok = new Recorder(serializer);
    pubsub.subscribe('t', failing);
    pubsub.subscribe('t', ok);
    jest.spyOn(console, 'error').mockImplementation(() => undefined);
    pubsub.broadcast('t', 'e', {});
    expect(ok.frames).toHaveLength(1);
    pubsub.unsubscribe('t', failing);
    pubsub.unsubscribe('t', ok);
    expect(pubsub.localSubscriberCount('t')).toBe(0);
    expect((pubsub as unknown as { topics: Map<string, unknown> }).topics.size).toBe(0);
  });

  it('tells its counter of each broadcast once, not per subscriber', () => {
    const topics: string[] = [];
    const pubsub = new LocalPubSub({ broadcast: (topic) => topics.push(topic) });
    const serializer = new CountingSerializer('2.0.0');
    for (let i = 0; i < 3; i++) pubsub.subscribe('room:1', new Recorder(serializer));
    pubsub.broadcast('room:1', 'tick', {});
    pubsub.localBroadcast('room:2', 'tick', {});
    expect(topics).toEqual(['room:1', 'room:2']);
  });

  it('lists the busiest topics, most subscribers first, of those kept', () => {
    const pubsub = new LocalPubSub();
    const serializer = new CountingSerializer('2.0.0');
    const sizes = { a: 2, b: 5, c: 1, d: 4, skip: 9 };
    for (const [topic, n] of Object.entries(sizes)) {
      for (let i = 0; i < n; i++) pubsub.subscribe(topic, new Recorder(serializer));
    }
    expect(pubsub.busiestTopics(3, (topic) => topic !== 'skip')).toEqual([
      { topic: 'b', subscribers: 5 },
      { topic: 'd', subscribers: 4 },
      { topic: 'a', subscribers: 2 },
    ]);
    expect(pubsub.busiestTopics(0)).toEqual([]);
  });
});
