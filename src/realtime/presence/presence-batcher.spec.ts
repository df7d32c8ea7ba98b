import { jest } from '@jest/globals';
import { PresenceBatcher, type PresenceSink } from './presence-batcher.js';
import type { PresenceDiff } from './presence-tracker.js';
import { PresenceTracker } from './presence-tracker.js';

type Sent = ['state', string, string[]] | ['diff', string, PresenceDiff];

function setup(intervalMs: number) {
  const sent: Sent[] = [];
  const sink: PresenceSink<string> = {
    sendState: (topic, recipients) => sent.push(['state', topic, [...recipients]]),
    sendDiff: (topic, diff) => sent.push(['diff', topic, diff]),
  };
  const batcher = new PresenceBatcher(sink, intervalMs);
  const tracker = new PresenceTracker();
  const join = (topic: string, key: string) => {
    batcher.diff(topic, tracker.track(topic, {}, key, {}).diff);
    batcher.state(topic, key);
  };
  return { sent, batcher, join };
}

const joinedKeys = (s: Sent) => (s[0] === 'diff' ? Object.keys(s[2].joins) : []);

describe('PresenceBatcher', () => {
  beforeEach(() => jest.useFakeTimers());
  afterEach(() => jest.useRealTimers());

  it('sends a quiet topic’s change at the end of the turn: states first, then the diff', () => {
    const { sent, join } = setup(50);
    join('t', 'ann');
    expect(sent).toEqual([]);
    jest.runOnlyPendingTimers(); // the setImmediate
    expect(sent.map((s) => s[0])).toEqual(['state', 'diff']);
    expect(sent[0]).toEqual(['state', 't', ['ann']]);
    expect(joinedKeys(sent[1])).toEqual(['ann']);
  });

  it('merges what comes within the interval into one diff and one state send', () => {
    const { sent, join } = setup(50);
    join('t', 'ann');
    jest.advanceTimersByTime(0);
    expect(sent).toHaveLength(2);
    for (const key of ['bob', 'cat', 'dan']) join('t', key);
    jest.advanceTimersByTime(49);
    expect(sent).toHaveLength(2);
    jest.advanceTimersByTime(1);
    expect(sent.slice(2)).toEqual([
      ['state', 't', ['bob', 'cat', 'dan']],
      ['diff', 't', expect.anything()],
    ]);
    expect(joinedKeys(sent[3])).toEqual(['bob', 'cat', 'dan']);
    // Quiet for a whole interval: the next change goes out at once again.
    jest.advanceTimersByTime(50);
    join('t', 'eve');
    jest.advanceTimersByTime(0);
    expect(joinedKeys(sent[5])).toEqual(['eve']);
  });

  it('batches each topic on its own, and sends nothing for a change undone in the batch', () => {
    const { sent, batcher, join } = setup(50);
    join('a', 'ann');
    join('b', 'bob');
    jest.advanceTimersByTime(0);
    expect(sent.map((s) => [s[0], s[1]])).toEqual([
      ['state', 'a'],
      ['diff', 'a'],
      ['state', 'b'],
      ['diff', 'b'],
    ]);
    const tracker = new PresenceTracker();
    const owner = {};
    batcher.diff('a', tracker.track('a', owner, 'cat', {}).diff);
    batcher.diff('a', tracker.untrack('a', owner, 'cat')!);
    jest.advanceTimersByTime(200);
    expect(sent).toHaveLength(4);
  });

  it('with interval 0 merges per turn only', () => {
    const { sent, join } = setup(0);
    join('t', 'ann');
    join('t', 'bob');
    jest.advanceTimersByTime(0);
    join('t', 'cat');
    jest.advanceTimersByTime(0);
    expect(sent.filter((s) => s[0] === 'diff').map(joinedKeys)).toEqual([['ann', 'bob'], ['cat']]);
    expect(jest.getTimerCount()).toBe(0);
  });

  it('close drops what is pending and leaves no timer', () => {
    const { sent, batcher, join } = setup(50);
    join('t', 'ann');
    jest.advanceTimersByTime(0);
    expect(sent).toHaveLength(2);
    join('t', 'bob');
    batcher.close();
    jest.advanceTimersByTime(1000);
    expect(sent).toHaveLength(2);
    expect(jest.getTimerCount()).toBe(0);
  });
});
