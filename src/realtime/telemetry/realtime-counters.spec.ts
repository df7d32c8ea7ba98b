import { OTHER_LABEL, topicPrefix } from './bounded-labels.js';
import { RealtimeCounters, UNMATCHED_TOPIC } from './realtime-counters.js';
import { RecentEvents } from './recent-events.js';

describe('topicPrefix', () => {
  it('is what comes before the first colon, or the whole topic', () => {
    expect(topicPrefix('conversation:42')).toBe('conversation');
    expect(topicPrefix('notifications:scans:x')).toBe('notifications');
    expect(topicPrefix('notifications')).toBe('notifications');
    expect(topicPrefix(':odd')).toBe('');
  });
});

describe('RealtimeCounters', () => {
  it('counts topics by prefix, never by full topic', () => {
    const counters = new RealtimeCounters();
    counters.joined('conversation:1');
    counters.joined('conversation:2');
    counters.messageIn('conversation:2');
    counters.broadcast('conversation:3');
    counters.channelEnded('conversation:1');
    expect([...counters.topics.keys()]).toEqual(['conversation']);
    expect(counters.topics.get('conversation')).toEqual({
      channels: 1,
      joinsOk: 2,
      joinsError: 0,
      messagesIn: 1,
      broadcasts: 1,
    });
  });

  it('caps the prefixes at 50: later ones count as other, and keep that label', () => {
    const counters = new RealtimeCounters();
    for (let i = 0; i < 50; i++) counters.broadcast(`p${i}:x`);
    counters.joined('junk:1');
    counters.joined('more-junk:1');
    counters.channelEnded('junk:1');
    counters.broadcast('p7:y');
    expect(counters.topics.size).toBe(51);
    expect(counters.topics.has('junk')).toBe(false);
    expect(counters.topics.get(OTHER_LABEL)).toMatchObject({ joinsOk: 2, channels: 1 });
    expect(counters.topics.get('p7')?.broadcasts).toBe(2);
  });

  it('counts a prefix too long to be a label as other', () => {
    const counters = new RealtimeCounters();
    counters.broadcast(`${'x'.repeat(65)}:1`);
    expect([...counters.topics.keys()]).toEqual([OTHER_LABEL]);
  });

  it('counts joins of undeclared topics as unmatched, without their text', () => {
    const counters = new RealtimeCounters();
    counters.joinRefused(undefined, 'unmatched topic');
    counters.joinRefused('room:1', 'unauthorized');
    expect(counters.topics.get(UNMATCHED_TOPIC)?.joinsError).toBe(1);
    expect(counters.topics.get('room')?.joinsError).toBe(1);
    expect(counters.recent.list()).toEqual([
      expect.objectContaining({ kind: 'join_refused', topic: 'room', reason: 'unauthorized' }),
      expect.objectContaining({ kind: 'join_refused', topic: 'unmatched' }),
    ]);
  });

  it('keeps connections per transport as a gauge and counts connects and closes', () => {
    const counters = new RealtimeCounters();
    counters.connected('websocket');
    counters.connected('websocket');
    counters.connected('longpoll');
    counters.refused('websocket', 403, 'origin not allowed');
    counters.disconnected('websocket', 1000, 'closed by client');
    expect(counters.transports).toEqual({
      websocket: { connections: 1, connectsOk: 2, connectsRefused: 1 },
      longpoll: { connections: 1, connectsOk: 1, connectsRefused: 0 },
    });
    expect(Object.fromEntries(counters.closes)).toEqual({ 1000: 1 });
  });

  it('lists abnormal closes, but not normal ones nor 1003 (listed as its malformed frame)', () => {
    const counters = new RealtimeCounters();
    for (const code of [1000, 1001, 1005, 1012]) counters.disconnected('websocket', code, 'fine');
    counters.malformedFrame('websocket', 'invalid JSON');
    counters.disconnected('websocket', 1003, 'malformed frame');
    counters.disconnected('longpoll', 1008, 'slow consumer');
    counters.disconnected('websocket', 1006, 'connection lost');
    expect(counters.recent.list().map((e) => [e.kind, 'code' in e ? e.code : undefined])).toEqual([
      ['abnormal_close', 1006],
      ['abnormal_close', 1008],
      ['malformed_frame', undefined],
    ]);
    expect(counters.malformedFrames).toBe(1);
  });

  it('caps the close codes as a label set too', () => {
    const counters = new RealtimeCounters();
    for (let code = 4000; code < 4060; code++) counters.disconnected('websocket', code, 'app');
    expect(counters.closes.size).toBe(51);
    expect(counters.closes.get(OTHER_LABEL)).toBe(10);
  });
});

describe('RecentEvents', () => {
  it('keeps the last `capacity` events, newest first, with their time', () => {
    let now = 0;
    const events = new RecentEvents(3, () => ++now);
    for (let i = 0; i < 5; i++) events.add({ kind: 'join_refused', topic: `t${i}`, reason: 'no' });
    expect(events.list()).toEqual([
      { kind: 'join_refused', topic: 't4', reason: 'no', at: 5 },
      { kind: 'join_refused', topic: 't3', reason: 'no', at: 4 },
      { kind: 'join_refused', topic: 't2', reason: 'no', at: 3 },
    ]);
  });

  it('stays bounded under a flood (50 by default in RealtimeCounters)', () => {
    const counters = new RealtimeCounters();
    for (let i = 0; i < 1000; i++) counters.malformedFrame('websocket', 'invalid JSON');
    expect(counters.recent.list()).toHaveLength(50);
  });
});
