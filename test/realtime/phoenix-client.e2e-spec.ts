// The realtime layer driven by the official `phoenix` npm client (spec §6, §7, §10, §11, §14, §16).
import type { Channel, Socket } from 'phoenix';
import WebSocket from 'ws';
import { RealtimeEndpoint } from '../../src/realtime/index.js';
import {
  arrayBuffer,
  bytesOf,
  collect,
  connect,
  createSocket,
  disconnect,
  disconnectAll,
  join,
  joinRef,
  leave,
  nextEvent,
  presenceOf,
  push,
  pushReply,
  recordFrames,
  waitFor,
} from '../support/phoenix-client.js';
import { expectNoneBeforeBarrier, expectNoneWithin } from '../support/absence.js';
import { startTestApp, type TestApp } from '../support/test-app.js';
import { TestChannelsModule, terminateLog } from '../support/test-channels.js';

/** Longer than a few client rejoin delays (rejoinAfterMs: 50): no rejoin within it. */
const REJOIN_WATCH_MS = 300;

describe('realtime with the official phoenix client', () => {
  let t: TestApp;

  beforeAll(async () => {
    t = await startTestApp({}, { imports: [TestChannelsModule] });
  });
  afterEach(() => disconnectAll());
  afterAll(() => t.close());

  const as = (user: string): Promise<Socket> => connect(t.socketUrl, { params: { user } });

  /** Joins and resolves with the socket's channel (ok reply checked). */
  async function joined(socket: Socket, topic: string, params: object = {}): Promise<Channel> {
    const channel = socket.channel(topic, params);
    await join(channel);
    return channel;
  }

  const terminatedWith = (topic: string) =>
    terminateLog.entries.filter((e) => e.topic === topic).map((e) => e.reason);

  // ── join ────────────────────────────────────────────────────────────────

  it('join ok: the reply carries the join handler payload', async () => {
    const socket = await as('ann');
    const channel = socket.channel('room:join-ok', { hello: 'world' });
    await expect(join(channel)).resolves.toEqual({ joined: 'room:join-ok', user: 'ann' });
    expect(channel.state).toBe('joined');
  });

  it('join refused: error reply with the reason; the client retries and the server copes', async () => {
    const socket = await as('ann');
    const frames = recordFrames(socket, 'room:join-refused');
    const channel = socket.channel('room:join-refused', { deny: true });
    const errors: unknown[] = [];
    channel.join().receive('error', (response) => void errors.push(response));

    await waitFor(() => errors.length >= 2, 1000, 'a retried join'); // rejoinAfterMs: 50
    expect(errors[0]).toEqual({ reason: 'unauthorized' });
    expect(errors[1]).toEqual({ reason: 'unauthorized' });
    // The refused join reply carries the join's join_ref (only "unmatched topic" has null, §7.2).
    const reply = frames.find((f) => f.event === 'phx_reply')!;
    expect(reply.join_ref).toBe(reply.ref);
    expect(reply.payload).toEqual({ status: 'error', response: { reason: 'unauthorized' } });

    await leave(channel);
    expect(channel.state).toBe('closed');
    // The socket is still fine.
    await expect(join(socket.channel('room:join-refused-then-ok'))).resolves.toMatchObject({
      user: 'ann',
    });
  });

  it('join handler that throws: error reply "join crashed"', async () => {
    const socket = await as('ann');
    const channel = socket.channel('room:join-crash', { crash: true });
    await expect(join(channel)).rejects.toMatchObject({
      status: 'error',
      response: { reason: 'join crashed' },
    });
    await leave(channel);
    await expect(join(socket.channel('room:join-crash-then-ok'))).resolves.toEqual({
      joined: 'room:join-crash-then-ok',
      user: 'ann',
    });
  });

  // ── push / reply ─────────────────────────────────────────────────────────

  it('push and reply: ok, error and a custom status', async () => {
    const socket = await as('ann');
    const channel = await joined(socket, 'room:replies');

    await expect(push(channel, 'echo', { n: 1 })).resolves.toEqual({ echo: { n: 1 } });
    await expect(pushReply(channel, 'fail')).resolves.toEqual({
      status: 'error',
      response: { reason: 'nope' },
    });
    // @types/phoenix only knows ok | error | timeout; the client matches any status string.
    type AnyStatusPush = { receive(status: string, cb: (response: unknown) => void): unknown };
    const accepted = await new Promise((resolve) => {
      const pushed = channel.push('custom', { status: 'accepted' }) as unknown as AnyStatusPush;
      pushed.receive('accepted', resolve);
    });
    expect(accepted).toEqual({ custom: true });
    // An event the channel has no handler for.
    await expect(pushReply(channel, 'no_such_event')).resolves.toMatchObject({ status: 'error' });
  });

  // ── broadcasts ──────────────────────────────────────────────────────────

  it('broadcast reaches every subscribed socket, the sender included', async () => {
    const users = ['ann', 'bob', 'cat'];
    const sockets = await Promise.all(users.map(as));
    const channels = await Promise.all(sockets.map((s) => joined(s, 'room:broadcast')));
    const frames = recordFrames(sockets[1], 'room:broadcast');
    const received = channels.map((c) => nextEvent(c, 'shout'));

    await expect(push(channels[0], 'shout', { msg: 'hi' })).resolves.toEqual({});
    await expect(Promise.all(received)).resolves.toEqual([
      { msg: 'hi' },
      { msg: 'hi' },
      { msg: 'hi' },
    ]);
    // Fastlaned broadcast: join_ref and ref are null (§7.8).
    expect(frames.find((f) => f.event === 'shout')).toMatchObject({ join_ref: null, ref: null });
  });

  it('broadcast_from excludes the sender socket only (not the same user on another socket)', async () => {
    const [sender, sameUser, other] = await Promise.all([as('ann'), as('ann'), as('bob')]);
    const senderCh = await joined(sender, 'room:broadcast-from');
    const sameUserCh = await joined(sameUser, 'room:broadcast-from');
    const otherCh = await joined(other, 'room:broadcast-from');
    const senderGot = collect<{ msg: string }>(senderCh, 'shout');
    const received = [nextEvent(sameUserCh, 'shout'), nextEvent(otherCh, 'shout')];

    await push(senderCh, 'shout_from', { msg: 'not for me' });
    await expect(Promise.all(received)).resolves.toEqual([
      { msg: 'not for me' },
      { msg: 'not for me' },
    ]);
    // Barrier: a later broadcast on the topic reaches the sender after the first would have.
    await push(senderCh, 'shout', { msg: 'for everyone' });
    await expectNoneBeforeBarrier(
      senderGot,
      (p) => p.msg === 'not for me',
      (p) => p.msg === 'for everyone',
      { what: 'the broadcast_from at its sender' },
    );
    expect(senderGot).toEqual([{ msg: 'for everyone' }]);
  });

  it('outgoing hook filters and rewrites per subscriber', async () => {
    const users = ['ann', 'bob', 'cat'];
    const sockets = await Promise.all(users.map(as));
    const channels = await Promise.all(sockets.map((s) => joined(s, 'room:filtered')));
    const [annCh, bobCh, catCh] = channels;
    const annFrames = recordFrames(sockets[0], 'room:filtered');
    const bobGot = collect<{ skip: string; n: number }>(bobCh, 'filtered');
    const annNext = nextEvent(annCh, 'filtered');
    const catNext = nextEvent(catCh, 'filtered');

    await push(annCh, 'filtered', { skip: 'bob', n: 1 });
    await expect(annNext).resolves.toEqual({ skip: 'bob', n: 1, for: 'ann' });
    await expect(catNext).resolves.toEqual({ skip: 'bob', n: 1, for: 'cat' });
    // Barrier: the next broadcast on the topic, which bob does get, comes after the first.
    await push(annCh, 'filtered', { skip: 'cat', n: 2 });
    await expectNoneBeforeBarrier(
      bobGot,
      (p) => p.n === 1,
      (p) => p.n === 2,
      { what: 'the broadcast filtered out for bob' },
    );
    expect(bobGot).toEqual([{ skip: 'cat', n: 2, for: 'bob' }]);
    // Through the hook it is a push of that channel: join_ref set, ref null (§7.8).
    expect(annFrames.find((f) => f.event === 'filtered')).toMatchObject({
      join_ref: joinRef(annCh),
      ref: null,
    });
  });

  // ── binary ──────────────────────────────────────────────────────────────

  it('binary push from the client gets a binary reply', async () => {
    const socket = await as('ann');
    const channel = await joined(socket, 'room:binary-upload');

    const response = await push(channel, 'upload', arrayBuffer([1, 2, 3, 250]));
    expect(bytesOf(response)).toEqual([250, 3, 2, 1]);
    // A JSON payload is not binary for the handler.
    await expect(pushReply(channel, 'upload', { not: 'binary' })).resolves.toEqual({
      status: 'error',
      response: { reason: 'expected binary' },
    });
  });

  it('binary push from the server arrives as an ArrayBuffer', async () => {
    const socket = await as('ann');
    const channel = await joined(socket, 'room:binary-push');
    const image = nextEvent(channel, 'image');

    await push(channel, 'binary_push');
    expect(bytesOf(await image)).toEqual([0xff, 0xd8]);
  });

  it('binary broadcast reaches every socket as an ArrayBuffer', async () => {
    const sockets = await Promise.all([as('ann'), as('bob')]);
    const channels = await Promise.all(sockets.map((s) => joined(s, 'room:binary-broadcast')));
    const ticks = channels.map((c) => nextEvent(c, 'tick'));

    await push(channels[1], 'binary_broadcast');
    const received = await Promise.all(ticks);
    expect(received.map(bytesOf)).toEqual([[0x2a], [0x2a]]);
  });

  // ── connect ─────────────────────────────────────────────────────────────

  it('authToken is carried by the subprotocol', async () => {
    const socket = await connect(t.socketUrl, { authToken: 'token-for-bob' });
    const channel = socket.channel('room:auth-token');
    await expect(join(channel)).resolves.toEqual({ joined: 'room:auth-token', user: 'bob' });
  });

  it('connect refused with 403: the client never opens and reports an error', async () => {
    const socket = createSocket(t.socketUrl, { params: { refuse: '403' } });
    let opened = false;
    const errors: unknown[] = [];
    const closeCodes: number[] = [];
    socket.onOpen(() => void (opened = true));
    socket.onError((err) => void errors.push(err));
    socket.onClose((event) => void closeCodes.push(event.code));
    socket.connect();

    await waitFor(() => errors.length >= 1 && closeCodes.length >= 1, 1000, 'a refused connect');
    expect(opened).toBe(false);
    expect(socket.isConnected()).toBe(false);
    expect(closeCodes[0]).toBe(1006);
    await disconnect(socket);
    expect(opened).toBe(false);
    await expect(connect(t.socketUrl, { params: { refuse: '403' } })).rejects.toThrow(
      /socket error/,
    );

    // The upgrade itself is answered with HTTP 403.
    const ws = new WebSocket(`${t.socketUrl}/websocket?refuse=403&vsn=2.0.0`);
    ws.on('error', () => undefined);
    const status = await new Promise<number | string>((resolve) => {
      ws.on('unexpected-response', (_req, res) => resolve(res.statusCode ?? 'no status'));
      ws.on('open', () => resolve('opened'));
    });
    const closed = new Promise((resolve) => ws.once('close', resolve));
    ws.terminate();
    await closed;
    expect(status).toBe(403);
  });

  // ── presence ────────────────────────────────────────────────────────────

  it('presence: joins, meta updates and leaves reach the JS Presence', async () => {
    const topic = 'presence:lobby';
    const ann = await as('ann');
    const annCh = ann.channel(topic, { meta: { status: 'online' } });
    const annView = presenceOf(annCh);
    await join(annCh);
    const first = await annView.until((s) => s.ann?.length === 1);
    expect(first).toEqual({ ann: [expect.objectContaining({ status: 'online' })] });
    expect(typeof first.ann[0].phx_ref).toBe('string');

    const bob = await as('bob');
    const bobCh = bob.channel(topic, { meta: { status: 'online' } });
    const bobView = presenceOf(bobCh);
    await join(bobCh);
    await annView.until((s) => s.bob?.length === 1);
    const bobSees = await bobView.until((s) => s.ann?.length === 1 && s.bob?.length === 1);
    expect(Object.keys(bobSees).sort()).toEqual(['ann', 'bob']);
    const bobRef = bobSees.bob[0].phx_ref;

    const annFrames = recordFrames(ann, topic);
    await push(bobCh, 'update_meta', { status: 'away' });
    const updated = await annView.until((s) => s.bob?.[0]?.status === 'away');
    expect(updated.bob).toHaveLength(1);
    expect(updated.bob[0].phx_ref).not.toBe(bobRef);
    // The update diff: the new meta (phx_ref_prev = old ref) joins, the old one leaves (§10.1).
    expect(annFrames.find((f) => f.event === 'presence_diff')).toMatchObject({
      join_ref: null,
      ref: null,
      payload: {
        joins: { bob: { metas: [{ status: 'away', phx_ref_prev: bobRef }] } },
        leaves: { bob: { metas: [{ status: 'online', phx_ref: bobRef }] } },
      },
    });
    await bobView.until((s) => s.bob?.[0]?.status === 'away');

    await disconnect(bob);
    const afterLeave = await annView.until((s) => s.bob === undefined);
    expect(Object.keys(afterLeave)).toEqual(['ann']);
  });

  it('presence: two sockets of one user are one key with two metas, then one', async () => {
    const topic = 'presence:twice';
    const watcher = await as('cat');
    const watcherCh = watcher.channel(topic);
    const view = presenceOf(watcherCh);
    await join(watcherCh);
    await view.until((s) => s.cat?.length === 1);

    const first = await as('ann');
    await joined(first, topic, { meta: { device: 'phone' } });
    const second = await as('ann');
    const secondCh = second.channel(topic, { meta: { device: 'laptop' } });
    const secondView = presenceOf(secondCh);
    await join(secondCh);

    const both = await view.until((s) => s.ann?.length === 2);
    expect(both.ann.map((m) => m.device).sort()).toEqual(['laptop', 'phone']);
    expect(new Set(both.ann.map((m) => m.phx_ref)).size).toBe(2);
    // The second socket's own Presence gets the same picture from presence_state.
    await secondView.until((s) => s.ann?.length === 2 && s.cat?.length === 1);

    await disconnect(first);
    const one = await view.until((s) => s.ann?.length === 1);
    expect(one.ann).toEqual([expect.objectContaining({ device: 'laptop' })]);
    expect(Object.keys(one).sort()).toEqual(['ann', 'cat']);
  });

  it('presence: a burst of joins reaches everyone as a few merged diffs, and every state is whole', async () => {
    const topic = 'presence:burst';
    const watcher = await as('watcher');
    const watcherCh = watcher.channel(topic);
    const view = presenceOf(watcherCh);
    const diffs = collect<{ joins: object; leaves: object }>(watcherCh, 'presence_diff');
    await join(watcherCh);
    await view.until((s) => s.watcher?.length === 1);

    const names = Array.from({ length: 30 }, (_, i) => `user${i}`);
    const sockets = await Promise.all(names.map((name) => as(name)));
    const channels = sockets.map((socket, i) => {
      const channel = socket.channel(topic, { meta: { n: i } });
      return { channel, view: presenceOf(channel) };
    });
    await Promise.all(channels.map(({ channel }) => join(channel)));

    const everyone = (s: Record<string, unknown[]>) => Object.keys(s).length === 31;
    const seen = await view.until(everyone);
    expect(Object.keys(seen).sort()).toEqual([...names, 'watcher'].sort());
    // 30 joins within a few event-loop turns: far fewer diffs than joins, none lost.
    const burst = diffs.filter((d) => !('watcher' in d.joins));
    expect(burst.length).toBeLessThan(10);
    const joinedKeys = burst.flatMap((d) => Object.keys(d.joins));
    expect(joinedKeys.sort()).toEqual([...names].sort());
    // Each joiner's own Presence (its presence_state, then the diffs) ends with everyone too.
    for (const { view: own } of channels) await own.until(everyone);
  });

  // ── crashes, closes, reconnects ───────────────────────────────────────────

  it('a handler that throws: phx_error, automatic rejoin with a new join ref, socket unaffected', async () => {
    const socket = await as('ann');
    const socketCloses: number[] = [];
    socket.onClose((event) => void socketCloses.push(event.code));
    const frames = recordFrames(socket, 'room:boom');
    const channel = socket.channel('room:boom');
    const joins: unknown[] = [];
    const errors: unknown[] = [];
    channel.join().receive('ok', (response) => void joins.push(response));
    channel.onError((reason) => void errors.push(reason));
    await waitFor(() => joins.length === 1, 1000, 'the first join');
    const other = await joined(socket, 'room:boom-bystander');
    const firstJoinRef = joinRef(channel);
    const otherJoinRef = joinRef(other);

    channel.push('boom', {});
    await waitFor(() => joins.length === 2, 1000, 'the rejoin');

    expect(errors).toEqual([{ reason: 'channel_crash' }]);
    expect(joinRef(channel)).not.toBe(firstJoinRef);
    expect(joins[1]).toEqual({ joined: 'room:boom', user: 'ann' });
    // phx_error carries the crashed incarnation's join_ref as join_ref and ref (§7.7).
    expect(frames.find((f) => f.event === 'phx_error')).toEqual({
      join_ref: firstJoinRef,
      ref: firstJoinRef,
      topic: 'room:boom',
      event: 'phx_error',
      payload: { reason: 'channel_crash' },
    });
    expect(socket.isConnected()).toBe(true);
    expect(socketCloses).toEqual([]);
    await expect(push(channel, 'echo', { again: true })).resolves.toEqual({
      echo: { again: true },
    });
    expect(joinRef(other)).toBe(otherJoinRef);
    await expect(push(other, 'echo', { n: 2 })).resolves.toEqual({ echo: { n: 2 } });
  });

  it("server disconnect of a user's sockets: close 1001, reconnect, rejoin; other users unaffected", async () => {
    const topic = 'room:reconnect';
    const [ann, annElsewhere, bob] = await Promise.all([as('ann'), as('ann'), as('bob')]);
    const annCloses: number[] = [];
    const elsewhereCloses: number[] = [];
    const bobCloses: number[] = [];
    let annOpens = 0;
    ann.onClose((event) => void annCloses.push(event.code));
    ann.onOpen(() => void annOpens++);
    annElsewhere.onClose((event) => void elsewhereCloses.push(event.code));
    bob.onClose((event) => void bobCloses.push(event.code));
    const annCh = ann.channel(topic);
    const annJoins: unknown[] = [];
    annCh.join().receive('ok', (response) => void annJoins.push(response));
    await waitFor(() => annJoins.length === 1, 1000, "ann's join");
    const bobCh = await joined(bob, topic);
    const annJoinRef = joinRef(annCh);
    const bobJoinRef = joinRef(bobCh);

    t.app.get(RealtimeEndpoint).disconnect('user:ann');

    await waitFor(() => annJoins.length === 2, 2000, "ann's rejoin");
    expect(annCloses).toEqual([1001]);
    expect(annOpens).toBe(1);
    expect(joinRef(annCh)).not.toBe(annJoinRef);
    await expect(push(annCh, 'echo', { back: true })).resolves.toEqual({ echo: { back: true } });
    expect(terminatedWith(topic)).toContain('disconnect');
    // Every socket of ann is closed, not just one.
    await waitFor(() => elsewhereCloses.length === 1, 1000, "ann's other socket closing");
    expect(elsewhereCloses).toEqual([1001]);

    expect(bobCloses).toEqual([]);
    expect(bob.isConnected()).toBe(true);
    expect(joinRef(bobCh)).toBe(bobJoinRef);
    await expect(push(bobCh, 'echo', { n: 1 })).resolves.toEqual({ echo: { n: 1 } });
    // Broadcasts reach ann's new incarnation.
    const annShout = nextEvent(annCh, 'shout');
    await push(bobCh, 'shout', { from: 'bob' });
    await expect(annShout).resolves.toEqual({ from: 'bob' });
  });

  it('pushes made in the join handler arrive after the join reply', async () => {
    const socket = await as('ann');
    const frames = recordFrames(socket, 'room:welcome');
    const channel = socket.channel('room:welcome', { welcome: true });
    const order: string[] = [];
    channel.on('welcome', (payload) => void order.push(`welcome ${JSON.stringify(payload)}`));
    channel.join().receive('ok', () => void order.push('join ok'));

    await waitFor(() => order.length === 2, 1000, 'join reply and welcome');
    expect(order).toEqual(['join ok', 'welcome {"to":"ann"}']);
    expect(frames.map((f) => f.event)).toEqual(['phx_reply', 'welcome']);
    expect(frames[1]).toMatchObject({ join_ref: joinRef(channel), ref: null });
  });

  it('close_me: reply ok, then the server closes the channel', async () => {
    const topic = 'room:close-me';
    const socket = await as('ann');
    const frames = recordFrames(socket, topic);
    const channel = await joined(socket, topic);
    const ref = joinRef(channel);
    const closed = new Promise((resolve) => channel.onClose(resolve));

    await expect(push(channel, 'close_me')).resolves.toEqual({ closing: true });
    await closed;
    expect(channel.state).toBe('closed');
    const events = frames.map((f) => f.event);
    expect(events).toEqual(['phx_reply', 'phx_reply', 'phx_close']);
    expect(frames[2]).toEqual({
      join_ref: ref,
      ref,
      topic,
      event: 'phx_close',
      payload: {},
    });
    await waitFor(() => terminatedWith(topic).includes('close'), 1000, 'terminate(close)');
    // A graceful close is not rejoined: a rejoin is a client timer (no server order to fence
    // it), so watch the topic for a few rejoin delays and fail on the first frame.
    await expectNoneWithin(frames, REJOIN_WATCH_MS, () => true, 'a frame of a rejoin');
    expect(channel.state).toBe('closed');
    expect(frames).toHaveLength(3);
  });

  it('exact topic with a catch-all handler; other topics are unmatched', async () => {
    const socket = await as('ann');
    const channel = await joined(socket, 'exact:topic');
    await expect(push(channel, 'anything', { a: 1 })).resolves.toEqual({
      event: 'anything',
      payload: { a: 1 },
    });
    await expect(push(channel, 'something_else')).resolves.toEqual({
      event: 'something_else',
      payload: {},
    });

    const frames = recordFrames(socket, 'exact:topic2');
    const unmatched = socket.channel('exact:topic2');
    await expect(join(unmatched)).rejects.toMatchObject({
      status: 'error',
      response: { reason: 'unmatched topic' },
    });
    expect(frames[0]).toMatchObject({ join_ref: null, event: 'phx_reply' }); // §7.2
    await leave(unmatched);
  });

  it('terminate hooks run with leave, crash and socket_closed', async () => {
    const socket = await as('ann');
    const leaving = await joined(socket, 'room:term-leave');
    const frames = recordFrames(socket, 'room:term-leave');
    await leave(leaving);
    await waitFor(() => terminatedWith('room:term-leave').length > 0, 1000, 'terminate(leave)');
    expect(terminatedWith('room:term-leave')).toEqual(['leave']);
    // Leave: ok reply, then phx_close (§7.6).
    await waitFor(() => frames.length === 2, 1000, 'leave reply and phx_close');
    expect(frames.map((f) => f.event)).toEqual(['phx_reply', 'phx_close']);

    const crashing = await joined(socket, 'room:term-crash');
    const errored = new Promise((resolve) => crashing.onError(resolve));
    crashing.push('boom', {});
    await errored;
    await waitFor(() => terminatedWith('room:term-crash').length > 0, 1000, 'terminate(crash)');
    expect(terminatedWith('room:term-crash')[0]).toBe('crash');

    const other = await as('bob');
    await joined(other, 'room:term-socket');
    await disconnect(other);
    await waitFor(
      () => terminatedWith('room:term-socket').length > 0,
      1000,
      'terminate(socket_closed)',
    );
    expect(terminatedWith('room:term-socket')).toEqual(['socket_closed']);
  });
});
