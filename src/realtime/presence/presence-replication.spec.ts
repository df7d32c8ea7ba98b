import type { BusMessage, NodeIdentity } from '../cluster/cluster-bus.js';
import { PresenceReplication, PRESENCE_KINDS } from './presence-replication.js';
import type { TopicChange } from './presence-replica.js';
import { type PresenceDiff, type PresenceState, PresenceTracker } from './presence-tracker.js';

const HEARTBEAT_MS = 100;
const TICK_MS = HEARTBEAT_MS / 2;
const DOWN_MS = 1000;

interface Sent {
  to: string | undefined; // undefined: published to every other node
  message: BusMessage;
}

/** An in-memory bus: ordered per sender, nothing delivered until `deliver()`. */
class Network {
  readonly nodes = new Map<string, Node>();
  readonly queue: Sent[] = [];
  readonly log: Sent[] = [];
  /** Messages for which this answers true are lost. */
  lose: (sent: Sent) => boolean = () => false;
  clock = 0;

  node(name: string, boot = `${name}-boot1`): Node {
    const node = new Node(this, { name, boot });
    this.nodes.set(name, node);
    return node;
  }

  /** Delivers everything queued (and whatever that causes), in order. */
  deliver(): void {
    for (let sent = this.queue.shift(); sent; sent = this.queue.shift()) {
      if (this.lose(sent)) continue;
      for (const node of this.nodes.values()) {
        if (node.down || node.self === sent.message.origin) continue;
        if (sent.to === undefined || sent.to === node.self.name)
          node.replication.receive(sent.message);
      }
    }
  }

  /** Every live node ticks, `ms` long, tick by tick, delivering after each. */
  advance(ms: number): void {
    for (let t = 0; t < ms; t += TICK_MS) {
      this.clock += TICK_MS;
      for (const node of this.nodes.values()) if (!node.down) node.replication.tick();
      this.deliver();
    }
  }

  sent(kind: string, from?: string): Sent[] {
    return this.log.filter(
      (s) => s.message.kind === kind && (from === undefined || s.message.origin.name === from),
    );
  }
}

/** One node: its own tracker, its replication, and what its subscribers would have heard. */
class Node {
  readonly tracker = new PresenceTracker();
  readonly replication: PresenceReplication;
  readonly changes: TopicChange[] = [];
  readonly warnings: string[] = [];
  down = false;
  private readonly owners = new Map<string, object>();

  constructor(
    network: Network,
    readonly self: NodeIdentity,
  ) {
    const queue = (to: string | undefined, kind: string, body: Buffer) => {
      const sent = { to, message: { kind, origin: self, body } };
      network.queue.push(sent);
      network.log.push(sent);
    };
    this.replication = new PresenceReplication({
      bus: {
        self,
        publish: (kind, body) => queue(undefined, kind, body),
        send: (to, kind, body) => queue(to, kind, body),
      },
      heartbeatMs: HEARTBEAT_MS,
      downMs: DOWN_MS,
      local: this.tracker,
      changed: (change) => this.changes.push(change),
      logger: { log: () => undefined, warn: (line) => this.warnings.push(line) },
      now: () => network.clock,
    });
  }

  track(topic: string, key: string, meta: Record<string, unknown> = {}): string {
    const owner = {};
    this.owners.set(`${topic} ${key}`, owner);
    const { ref, diff } = this.tracker.track(topic, owner, key, meta);
    this.replication.recordLocal(topic, diff);
    return ref;
  }

  update(topic: string, key: string, meta: Record<string, unknown>): string {
    const result = this.tracker.update(topic, this.owners.get(`${topic} ${key}`)!, key, meta)!;
    this.replication.recordLocal(topic, result.diff);
    return result.ref;
  }

  untrack(topic: string, key: string): void {
    const diff = this.tracker.untrack(topic, this.owners.get(`${topic} ${key}`)!, key)!;
    this.replication.recordLocal(topic, diff);
  }

  /** What `Presence.list` answers: own entries and every replica. */
  list(topic: string): PresenceState {
    const state = this.tracker.list(topic);
    this.replication.addRemote(topic, state);
    return state;
  }

  /** Other nodes' entries on `topic` (key → sorted refs). */
  remote(topic: string): Record<string, string[]> {
    const state: PresenceState = {};
    this.replication.addRemote(topic, state);
    return refsByKey(state);
  }
}

function refsByKey(state: PresenceState): Record<string, string[]> {
  return Object.fromEntries(
    Object.entries(state)
      .map(([key, { metas }]): [string, string[]] => [key, metas.map((m) => m.phx_ref).sort()])
      .sort(([a], [b]) => (a < b ? -1 : 1)),
  );
}

/** Applies diffs as phoenix.js does (joins, then leaves, metas matched by phx_ref). */
function applyDiff(state: PresenceState, diff: PresenceDiff): void {
  for (const [key, { metas }] of Object.entries(diff.joins)) {
    const current = state[key]?.metas ?? [];
    const refs = new Set(metas.map((m) => m.phx_ref));
    state[key] = { metas: [...current.filter((m) => !refs.has(m.phx_ref)), ...metas] };
  }
  for (const [key, { metas }] of Object.entries(diff.leaves)) {
    if (state[key] === undefined) continue;
    const refs = new Set(metas.map((m) => m.phx_ref));
    const kept = state[key].metas.filter((m) => !refs.has(m.phx_ref));
    if (kept.length === 0) delete state[key];
    else state[key] = { metas: kept };
  }
}

/** What a subscriber of `topic` on `node` sees, having heard every change since the start. */
function heardOn(node: Node, topic: string): Record<string, string[]> {
  const state: PresenceState = {};
  for (const change of node.changes) if (change.topic === topic) applyDiff(state, change.diff);
  return refsByKey(state);
}

const joinedRefs = (changes: TopicChange[]) =>
  changes.flatMap((c) => Object.values(c.diff.joins).flatMap((e) => e.metas.map((m) => m.phx_ref)));
const leftRefs = (changes: TopicChange[]) =>
  changes.flatMap((c) =>
    Object.values(c.diff.leaves).flatMap((e) => e.metas.map((m) => m.phx_ref)),
  );

describe('PresenceReplication', () => {
  it('announces a join and a leave to the other nodes at the next heartbeat, metas unchanged', () => {
    const net = new Network();
    const a = net.node('a');
    const b = net.node('b');
    net.advance(HEARTBEAT_MS); // both seen, both at version 0
    const ref = b.track('room', 'bob', { nickname: 'Bob', n: 1 });
    expect(a.list('room')).toEqual({});
    net.advance(HEARTBEAT_MS);
    expect(a.list('room')).toEqual({ bob: { metas: [{ nickname: 'Bob', n: 1, phx_ref: ref }] } });
    expect(a.changes).toEqual([
      {
        topic: 'room',
        diff: { joins: { bob: { metas: [{ nickname: 'Bob', n: 1, phx_ref: ref }] } }, leaves: {} },
      },
    ]);

    b.untrack('room', 'bob');
    net.advance(HEARTBEAT_MS);
    expect(a.list('room')).toEqual({});
    expect(leftRefs(a.changes)).toEqual([ref]);
    expect(a.changes.at(-1)!.diff.leaves).toEqual({
      bob: { metas: [{ nickname: 'Bob', n: 1, phx_ref: ref }] },
    });
    // Nobody needed a state transfer: every heartbeat followed the one before.
    expect(net.sent(PRESENCE_KINDS.STATE_REQUEST)).toEqual([]);
  });

  it('counts entries per topic, its own and every replica, and names the nodes it hears', () => {
    const net = new Network();
    const [a, b, c] = ['a', 'b', 'c'].map((name) => net.node(name));
    a.track('room:1', 'ann');
    b.track('room:1', 'bob');
    b.track('room:2', 'bob');
    c.track('room:1', 'cat');
    net.advance(HEARTBEAT_MS);
    const counts = new Map<string, number>();
    a.tracker.countEntries(counts);
    a.replication.countEntries(counts);
    expect(Object.fromEntries(counts)).toEqual({ 'room:1': 3, 'room:2': 1 });
    expect(a.replication.nodeNames().sort()).toEqual(['b', 'c']);
    c.down = true;
    net.advance(DOWN_MS + HEARTBEAT_MS);
    expect(a.replication.nodeNames()).toEqual(['b']);
  });

  it('lists the union of its own entries and every replica', () => {
    const net = new Network();
    const [a, b, c] = ['a', 'b', 'c'].map((name) => net.node(name));
    const refs = [a.track('t', 'ann'), b.track('t', 'ann'), c.track('t', 'cat')];
    net.advance(HEARTBEAT_MS);
    for (const node of [a, b, c]) {
      expect(refsByKey(node.list('t'))).toEqual({
        ann: [refs[0], refs[1]].sort(),
        cat: [refs[2]],
      });
    }
  });

  it('sends an empty heartbeat when idle, and announces nothing that joined and left in between', () => {
    const net = new Network();
    const a = net.node('a');
    const b = net.node('b');
    net.advance(HEARTBEAT_MS);
    b.track('t', 'brief');
    b.untrack('t', 'brief');
    net.advance(3 * HEARTBEAT_MS);
    expect(a.changes).toEqual([]);
    const beats = net.sent(PRESENCE_KINDS.HEARTBEAT, 'b');
    expect(beats.length).toBeGreaterThanOrEqual(4);
    for (const beat of beats) {
      expect(JSON.parse(beat.message.body.toString())).toEqual({ v: 0, d: [] });
    }
  });

  it('replicates an update as the leave of the old meta and the join of the new one', () => {
    const net = new Network();
    const a = net.node('a');
    const b = net.node('b');
    const first = b.track('t', 'bob', { status: 'away' });
    net.advance(HEARTBEAT_MS);
    const second = b.update('t', 'bob', { status: 'here' });
    net.advance(HEARTBEAT_MS);
    expect(a.list('t')).toEqual({
      bob: { metas: [{ status: 'here', phx_ref: second, phx_ref_prev: first }] },
    });
    expect(heardOn(a, 't')).toEqual({ bob: [second] });
  });

  it('gives a node that joins later the others’ full state, and needs none from a new node', () => {
    const net = new Network();
    const a = net.node('a');
    const ref = a.track('t', 'ann');
    net.advance(HEARTBEAT_MS); // a is at version 1 now
    const c = net.node('c');
    net.advance(2 * HEARTBEAT_MS);
    expect(c.remote('t')).toEqual({ ann: [ref] });
    expect(heardOn(c, 't')).toEqual({ ann: [ref] });
    expect(net.sent(PRESENCE_KINDS.STATE_REQUEST, 'c')).toHaveLength(1);
    expect(net.sent(PRESENCE_KINDS.STATE_REQUEST, 'a')).toEqual([]); // c started at version 0
  });

  it('asks for the full state after a lost heartbeat, and ends with exactly the owner’s entries', () => {
    const net = new Network();
    const a = net.node('a');
    const b = net.node('b');
    const stays = b.track('t', 'stays');
    const leaves = b.track('t', 'leaves');
    net.advance(HEARTBEAT_MS);
    expect(a.remote('t')).toEqual({ leaves: [leaves], stays: [stays] });

    b.untrack('t', 'leaves');
    const joins = b.track('t', 'joins');
    net.lose = (s) => s.message.kind === PRESENCE_KINDS.HEARTBEAT && s.message.origin === b.self;
    net.advance(HEARTBEAT_MS);
    net.lose = () => false;
    expect(a.remote('t')).toEqual({ leaves: [leaves], stays: [stays] }); // nothing heard yet

    const more = b.track('t', 'more');
    net.advance(2 * HEARTBEAT_MS);
    expect(net.sent(PRESENCE_KINDS.STATE_REQUEST, 'a')).toHaveLength(1);
    expect(a.remote('t')).toEqual({ joins: [joins], more: [more], stays: [stays] });
    expect(heardOn(a, 't')).toEqual(a.remote('t'));
  });

  it('asks again when the state transfer itself is lost', () => {
    const net = new Network();
    const a = net.node('a');
    const b = net.node('b');
    const ref = b.track('t', 'bob');
    net.lose = (s) => s.message.origin === b.self && s.message.kind !== PRESENCE_KINDS.HEARTBEAT;
    net.advance(HEARTBEAT_MS);
    // The first heartbeat (version 1, from version 0) needs no transfer; lose the next one.
    b.track('t', 'second');
    net.lose = (s) => s.message.origin === b.self;
    net.advance(HEARTBEAT_MS);
    net.lose = (s) => s.message.origin === b.self && s.message.kind === PRESENCE_KINDS.STATE;
    net.advance(HEARTBEAT_MS); // a asks; the answer is lost
    expect(net.sent(PRESENCE_KINDS.STATE_REQUEST, 'a')).toHaveLength(1);
    net.lose = () => false;
    net.advance(3 * HEARTBEAT_MS);
    expect(net.sent(PRESENCE_KINDS.STATE_REQUEST, 'a').length).toBeGreaterThanOrEqual(2);
    expect(Object.keys(a.remote('t'))).toEqual(['bob', 'second']);
    expect(a.remote('t').bob).toEqual([ref]);
  });

  it('answers a state request with what is pending published first, so no ghost remains', () => {
    const net = new Network();
    const a = net.node('a');
    const b = net.node('b');
    b.track('t', 'old');
    net.advance(HEARTBEAT_MS);
    // a lost track of b (say, a bus outage) and asks while b has a join not yet announced.
    const brief = b.track('t', 'brief');
    a.replication.busLost();
    net.deliver();
    expect(a.remote('t').brief).toEqual([brief]);
    // The brief presence leaves before b's next heartbeat: a must hear of it.
    b.untrack('t', 'brief');
    net.advance(HEARTBEAT_MS);
    expect(a.remote('t').brief).toBeUndefined();
    expect(heardOn(a, 't')).toEqual(a.remote('t'));
  });

  it('drops a silent node’s entries after PRESENCE_DOWN_MS, not before', () => {
    const net = new Network();
    const a = net.node('a');
    const b = net.node('b');
    const ref = b.track('t', 'bob');
    net.advance(HEARTBEAT_MS);
    b.down = true;
    const lastHeard = net.clock;
    net.advance(DOWN_MS - TICK_MS);
    expect(a.remote('t')).toEqual({ bob: [ref] });
    net.advance(2 * TICK_MS);
    expect(a.remote('t')).toEqual({});
    expect(net.clock - lastHeard).toBeLessThanOrEqual(DOWN_MS + HEARTBEAT_MS);
    expect(leftRefs(a.changes)).toEqual([ref]);
    expect(a.warnings.join('\n')).toMatch(/node b .*silent for \d+ ms: its 1 presences left/);
  });

  it('brings a node declared dead back with a state transfer when it speaks again', () => {
    const net = new Network();
    const a = net.node('a');
    const b = net.node('b');
    const ref = b.track('t', 'bob');
    net.advance(HEARTBEAT_MS);
    b.down = true;
    net.advance(DOWN_MS + HEARTBEAT_MS);
    expect(a.remote('t')).toEqual({});
    b.down = false;
    net.advance(2 * HEARTBEAT_MS);
    expect(a.remote('t')).toEqual({ bob: [ref] });
    expect(heardOn(a, 't')).toEqual({ bob: [ref] });
  });

  it('skips the sweep on the tick after a stall of its own process', () => {
    const net = new Network();
    const a = net.node('a');
    const b = net.node('b');
    b.track('t', 'bob');
    net.advance(HEARTBEAT_MS);
    net.clock += 2 * DOWN_MS; // a's loop was blocked; b's heartbeats wait unread
    a.replication.tick();
    expect(Object.keys(a.remote('t'))).toEqual(['bob']);
  });

  it('replaces the entries of a restarted node (new boot) at once, and ignores its old boot', () => {
    const net = new Network();
    const a = net.node('a');
    const oldB = net.node('b');
    const ghost = oldB.track('t', 'ghost');
    net.advance(HEARTBEAT_MS);
    expect(a.remote('t')).toEqual({ ghost: [ghost] });

    oldB.down = true;
    const newB = net.node('b', 'b-boot2');
    const fresh = newB.track('t', 'fresh');
    newB.replication.tick(); // its first heartbeat
    net.deliver();
    expect(a.remote('t')).toEqual({ fresh: [fresh] });
    expect(leftRefs(a.changes)).toEqual([ghost]);

    // A late message from the old boot changes nothing.
    net.nodes.set('old-b', oldB);
    oldB.down = false;
    oldB.track('t', 'late');
    oldB.replication.tick();
    oldB.replication.tick();
    net.deliver();
    expect(a.remote('t')).toEqual({ fresh: [fresh] });
  });

  it('drops the entries of a node that leaves at once, and then ignores that node', () => {
    const net = new Network();
    const a = net.node('a');
    const b = net.node('b');
    const ref = b.track('t', 'bob');
    net.advance(HEARTBEAT_MS);
    b.replication.leave();
    net.deliver();
    expect(a.remote('t')).toEqual({});
    expect(leftRefs(a.changes)).toEqual([ref]);
    // b announces nothing afterwards, and a request to it goes unanswered.
    b.track('t', 'after');
    const before = net.log.length;
    net.advance(2 * HEARTBEAT_MS);
    expect(net.log.slice(before).filter((s) => s.message.origin === b.self)).toEqual([]);
    // A state sent by b's boot after it left (a late answer) is ignored.
    a.replication.receive({
      kind: PRESENCE_KINDS.STATE,
      origin: b.self,
      body: Buffer.from(JSON.stringify({ v: 9, s: [['t', [['x', [{ phx_ref: 'r' }]]]]] })),
    });
    expect(a.remote('t')).toEqual({});
  });

  it('after losing the bus, asks every node again and ends with their current entries', () => {
    const net = new Network();
    const a = net.node('a');
    const b = net.node('b');
    const c = net.node('c');
    const gone = b.track('t', 'gone');
    c.track('t', 'cat');
    net.advance(HEARTBEAT_MS);
    net.lose = (s) => s.message.origin !== a.self; // a hears nothing for a while
    b.untrack('t', 'gone');
    const bob = b.track('t', 'bob');
    net.advance(HEARTBEAT_MS);
    net.lose = () => false;
    expect(a.remote('t').gone).toEqual([gone]);
    a.replication.busLost();
    net.deliver();
    expect(
      net
        .sent(PRESENCE_KINDS.STATE_REQUEST, 'a')
        .map((s) => s.to)
        .sort(),
    ).toEqual(['b', 'c']);
    expect(a.remote('t').gone).toBeUndefined();
    expect(a.remote('t').bob).toEqual([bob]);
    expect(heardOn(a, 't')).toEqual(a.remote('t'));
  });

  it('ignores a state older than the version it holds', () => {
    const net = new Network();
    const a = net.node('a');
    const b = net.node('b');
    b.track('t', 'one');
    net.advance(HEARTBEAT_MS);
    b.track('t', 'two');
    net.advance(HEARTBEAT_MS); // a holds version 2
    a.replication.receive({
      kind: PRESENCE_KINDS.STATE,
      origin: b.self,
      body: Buffer.from(JSON.stringify({ v: 1, s: [] })),
    });
    expect(Object.keys(a.remote('t'))).toEqual(['one', 'two']);
  });

  it('converges under random changes and losses: every node lists every owner’s entries', () => {
    let seed = 12345;
    const random = () => {
      seed = (seed * 1103515245 + 12345) & 0x7fffffff;
      return seed / 0x80000000;
    };
    const net = new Network();
    const nodes = ['a', 'b', 'c'].map((name) => net.node(name));
    const tracked = new Map<Node, Set<string>>(nodes.map((n) => [n, new Set()]));
    net.lose = () => random() < 0.2;
    for (let step = 0; step < 400; step++) {
      const node = nodes[Math.floor(random() * nodes.length)];
      const topic = random() < 0.5 ? 't' : 'u';
      const key = `k${Math.floor(random() * 6)}`;
      const keys = tracked.get(node)!;
      const id = `${topic} ${key}`;
      if (!keys.has(id)) {
        node.track(topic, key, { step });
        keys.add(id);
      } else if (random() < 0.5) {
        node.update(topic, key, { step });
      } else {
        node.untrack(topic, key);
        keys.delete(id);
      }
      if (random() < 0.3) net.advance(TICK_MS);
      if (random() < 0.02) nodes[Math.floor(random() * nodes.length)].replication.busLost();
    }
    net.lose = () => false;
    net.advance(4 * HEARTBEAT_MS);
    for (const node of nodes) {
      for (const topic of ['t', 'u']) {
        const union: PresenceState = {};
        for (const owner of nodes) {
          for (const [key, { metas }] of Object.entries(owner.tracker.list(topic))) {
            union[key] = { metas: [...(union[key]?.metas ?? []), ...metas] };
          }
        }
        expect(refsByKey(node.list(topic))).toEqual(refsByKey(union));
        expect(heardOn(node, topic)).toEqual(node.remote(topic));
      }
    }
    expect(joinedRefs(nodes[0].changes).length).toBeGreaterThan(0);
  });
});
