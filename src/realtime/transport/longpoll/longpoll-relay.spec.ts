import { jest } from '@jest/globals';
import {
  type BusHandler,
  type BusStatus,
  ClusterBus,
  type NodeIdentity,
} from '../../cluster/cluster-bus.js';
import { LongPollRelay, type OwnedSessions } from './longpoll-relay.js';
import type { PollResult } from './longpoll-session.js';

/** Nodes joined in memory: `send` reaches the named node a tick later, as the bus would. */
class MemoryBus extends ClusterBus {
  readonly clustered = true;
  private readonly handlers = new Map<string, BusHandler[]>();

  constructor(
    readonly self: NodeIdentity,
    private readonly nodes: Map<string, MemoryBus>,
  ) {
    super();
    nodes.set(self.name, this);
  }

  publish(): void {}
  onGap(): void {}

  send(node: string, kind: string, body: Buffer): void {
    const to = this.nodes.get(node);
    const origin = this.self;
    void Promise.resolve().then(() => {
      for (const handler of to?.handlers.get(kind) ?? []) handler({ kind, origin, body });
    });
  }

  on(kind: string, handler: BusHandler): void {
    this.handlers.set(kind, [...(this.handlers.get(kind) ?? []), handler]);
  }

  status(): BusStatus {
    return { backend: 'redis', cluster: 'c', node: this.self.name, connected: true };
  }
}

/** The owner's sessions: only `known` exists; its polls wait until the spec answers them. */
class OwnerSessions implements OwnedSessions {
  readonly polls: Array<{ abandoned: AbortSignal; answer: (result: PollResult) => void }> = [];
  readonly posts: Array<{ token: string; lines: string[]; ndjson: boolean }> = [];

  pollLocal(token: string, abandoned: AbortSignal): Promise<PollResult | undefined> {
    if (token !== 'known') return Promise.resolve(undefined);
    return new Promise((answer) => this.polls.push({ abandoned, answer }));
  }

  postLocal(token: string, lines: string[], ndjson: boolean): 200 | 410 {
    this.posts.push({ token, lines, ndjson });
    return token === 'known' ? 200 : 410;
  }
}

const noLocalSessions: OwnedSessions = {
  pollLocal: () => Promise.resolve(undefined),
  postLocal: () => 410,
};

const WINDOW = 1000;
const MARGIN = 500;

describe('LongPollRelay', () => {
  let owner: OwnerSessions;
  let requester: LongPollRelay;

  beforeEach(() => {
    const nodes = new Map<string, MemoryBus>();
    owner = new OwnerSessions();
    const options = { windowMs: WINDOW, marginMs: MARGIN };
    new LongPollRelay(new MemoryBus({ name: 'a', boot: 'a1' }, nodes), owner, options);
    const b = new MemoryBus({ name: 'b', boot: 'b1' }, nodes);
    requester = new LongPollRelay(b, noLocalSessions, options);
  });
  afterEach(() => jest.useRealTimers());

  const settled = () => new Promise((resolve) => setImmediate(resolve));
  const live = () => new AbortController().signal;

  it("answers a forwarded poll with the owner's result", async () => {
    const polled = requester.poll('a', 'known', live());
    await settled();
    expect(owner.polls).toHaveLength(1);
    owner.polls[0].answer({ status: 200, messages: ['["x"]'] });
    expect(await polled).toEqual({ status: 200, messages: ['["x"]'] });
    expect(requester.forwarded).toBe(0);
  });

  it('hands forwarded POST lines to the owner, and answers its status', async () => {
    expect(await requester.post('a', 'known', ['["1"]', 'AQID'], true)).toBe(200);
    expect(await requester.post('a', 'other', ['x'], false)).toBe(410);
    expect(owner.posts).toEqual([
      { token: 'known', lines: ['["1"]', 'AQID'], ndjson: true },
      { token: 'other', lines: ['x'], ndjson: false },
    ]);
  });

  it('tells the caller when the owner holds no such session', async () => {
    expect(await requester.poll('a', 'unknown', live())).toBeUndefined();
  });

  it("ends the owner's poll when the client goes away, and forgets the request", async () => {
    const client = new AbortController();
    const polled = requester.poll('a', 'known', client.signal);
    await settled();
    client.abort();
    expect(await polled).toBeUndefined();
    expect(requester.forwarded).toBe(0);
    await settled();
    expect(owner.polls[0].abandoned.aborted).toBe(true);
  });

  it('counts a silent owner as holding no session: polls after window + margin, POSTs after the margin', async () => {
    jest.useFakeTimers();
    const polled = requester.poll('gone', 'known', live());
    const posted = requester.post('gone', 'known', ['x'], false);
    await jest.advanceTimersByTimeAsync(MARGIN);
    expect(await posted).toBe(410);
    expect(requester.forwarded).toBe(1);
    await jest.advanceTimersByTimeAsync(WINDOW);
    expect(await polled).toBeUndefined();
    expect(requester.forwarded).toBe(0);
  });

  it('refuses to forward past its bound, as if the owner did not answer', async () => {
    const nodes = new Map<string, MemoryBus>();
    const bounded = new LongPollRelay(new MemoryBus({ name: 'c', boot: 'c1' }, nodes), owner, {
      windowMs: WINDOW,
      marginMs: MARGIN,
      maxForwarded: 1,
    });
    const first = bounded.poll('gone', 'known', live());
    expect(await bounded.post('gone', 'known', ['x'], false)).toBe(410);
    bounded.stop();
    expect(await first).toEqual({ status: 204, messages: [] });
  });
});
