/**
 * Wire-level tests with a raw `ws` client, for what the official `phoenix` client cannot
 * produce. Frames and orders follow /work/shared/spec/phoenix-protocol.md §2.3, §3–§5, §7, §8
 * and the project decisions in §16 (malformed → 1003, oversize → 1009, idle → 1002,
 * shutdown → 1012).
 */
import { binaryPush, type RawConnectOptions, RawSocket } from '../support/raw-socket.js';
import { startTestApp, type TestApp } from '../support/test-app.js';
import { TestChannelsModule } from '../support/test-channels.js';

const MAX_CHANNELS = 3;
const MAX_FRAME_BYTES = 2048;

const ok = (response: unknown = {}) => ({ status: 'ok', response });
const err = (reason: string) => ({ status: 'error', response: { reason } });
const hex = (s: string) => Buffer.from(s.replace(/\s+/g, ''), 'hex');

describe('raw Phoenix protocol', () => {
  let t: TestApp;
  const open: RawSocket[] = [];

  /** Connects a raw socket that is closed after the test. */
  async function connect(options: RawConnectOptions = {}): Promise<RawSocket> {
    const socket = await RawSocket.connect(t.socketUrl, options);
    open.push(socket);
    return socket;
  }

  /** Joins `topic` with `[J, J, topic, "phx_join", params]` and checks the ok reply. */
  async function join(socket: RawSocket, topic: string, joinRef: string, params = {}) {
    expect(await socket.request([joinRef, joinRef, topic, 'phx_join', params])).toEqual([
      joinRef,
      joinRef,
      topic,
      'phx_reply',
      ok({ joined: topic, user: 'raw' }),
    ]);
  }

  beforeAll(async () => {
    t = await startTestApp(
      { WS_MAX_CHANNELS: String(MAX_CHANNELS), WS_MAX_FRAME_BYTES: String(MAX_FRAME_BYTES) },
      { imports: [TestChannelsModule] },
    );
  });

  afterEach(async () => {
    await Promise.all(open.splice(0).map((s) => s.close()));
  });

  afterAll(() => t.close());

  // ── framing ─────────────────────────────────────────────────────────────────────────────

  it('V2 framing: heartbeat, join reply, push and broadcast are 5-element arrays', async () => {
    const s = await connect();
    expect(await s.request([null, '1', 'phoenix', 'heartbeat', {}])).toEqual([
      null,
      '1',
      'phoenix',
      'phx_reply',
      { status: 'ok', response: {} },
    ]);

    // Join with an after-join push: the reply first, then [J, null, topic, event, payload].
    s.send(['2', '2', 'room:v2', 'phx_join', { welcome: true }]);
    expect(await s.nextN(2)).toEqual([
      ['2', '2', 'room:v2', 'phx_reply', ok({ joined: 'room:v2', user: 'raw' })],
      ['2', null, 'room:v2', 'welcome', { to: 'raw' }],
    ]);

    // Event reply: [J, R, topic, "phx_reply", {status, response}].
    expect(await s.request(['2', '3', 'room:v2', 'echo', { n: 1 }])).toEqual([
      '2',
      '3',
      'room:v2',
      'phx_reply',
      ok({ echo: { n: 1 } }),
    ]);

    // Push from a handler, then its reply.
    s.send(['2', '4', 'room:v2', 'push_me', { a: 1 }]);
    expect(await s.nextN(2)).toEqual([
      ['2', null, 'room:v2', 'pushed', { a: 1 }],
      ['2', '4', 'room:v2', 'phx_reply', ok()],
    ]);

    // Broadcast: [null, null, topic, event, payload] (order vs the reply is not guaranteed).
    s.send(['2', '5', 'room:v2', 'shout', { b: 2 }]);
    const frames = await s.nextN(2);
    expect(frames).toHaveLength(2);
    expect(frames).toEqual(
      expect.arrayContaining([
        [null, null, 'room:v2', 'shout', { b: 2 }],
        ['2', '5', 'room:v2', 'phx_reply', ok()],
      ]),
    );

    // Custom status and error replies.
    expect(await s.request(['2', '6', 'room:v2', 'custom', { status: 'maybe' }])).toEqual([
      '2',
      '6',
      'room:v2',
      'phx_reply',
      { status: 'maybe', response: { custom: true } },
    ]);
    expect(await s.request(['2', '7', 'room:v2', 'fail', {}])).toEqual([
      '2',
      '7',
      'room:v2',
      'phx_reply',
      err('nope'),
    ]);

    // Extra trailing elements are ignored.
    expect(await s.request([null, '8', 'phoenix', 'heartbeat', {}, 'extra'])).toEqual([
      null,
      '8',
      'phoenix',
      'phx_reply',
      ok(),
    ]);
  });

  async function v1Scenario(vsn: string | null) {
    const s = await connect({ vsn });
    const expectV1 = (frame: unknown) => {
      expect(Array.isArray(frame)).toBe(false);
      expect(Object.keys(frame as object).sort()).toEqual(['event', 'payload', 'ref', 'topic']);
      return frame;
    };

    // Heartbeat.
    s.send({ topic: 'phoenix', event: 'heartbeat', payload: {}, ref: 'h1' });
    expect(expectV1(await s.next())).toEqual({
      topic: 'phoenix',
      event: 'phx_reply',
      payload: ok(),
      ref: 'h1',
    });

    // Join with a join_ref: the reply has no join_ref key.
    s.send({ topic: 'room:v1', event: 'phx_join', payload: {}, ref: '1', join_ref: '1' });
    expect(expectV1(await s.next())).toEqual({
      topic: 'room:v1',
      event: 'phx_reply',
      payload: ok({ joined: 'room:v1', user: 'raw' }),
      ref: '1',
    });

    // An event reply.
    s.send({ topic: 'room:v1', event: 'echo', payload: { n: 1 }, ref: '2', join_ref: '1' });
    expect(expectV1(await s.next())).toEqual({
      topic: 'room:v1',
      event: 'phx_reply',
      payload: ok({ echo: { n: 1 } }),
      ref: '2',
    });

    // An event without join_ref (optional in V1).
    s.send({ topic: 'room:v1', event: 'echo', payload: { n: 2 }, ref: '3' });
    expect(expectV1(await s.next())).toEqual({
      topic: 'room:v1',
      event: 'phx_reply',
      payload: ok({ echo: { n: 2 } }),
      ref: '3',
    });

    // A push.
    s.send({ topic: 'room:v1', event: 'push_me', payload: { p: 1 }, ref: '4', join_ref: '1' });
    const [pushed, pushReply] = await s.nextN(2);
    expect(expectV1(pushed)).toEqual({
      topic: 'room:v1',
      event: 'pushed',
      payload: { p: 1 },
      ref: null,
    });
    expect(expectV1(pushReply)).toEqual({
      topic: 'room:v1',
      event: 'phx_reply',
      payload: ok(),
      ref: '4',
    });

    // Crash: phx_error carries the join ref in `ref`.
    s.send({ topic: 'room:v1', event: 'boom', payload: {}, ref: '5', join_ref: '1' });
    expect(expectV1(await s.next())).toEqual({
      topic: 'room:v1',
      event: 'phx_error',
      payload: { reason: 'channel_crash' },
      ref: '1',
    });

    // Rejoin and leave: reply, then phx_close carrying the join ref in `ref`.
    s.send({ topic: 'room:v1', event: 'phx_join', payload: {}, ref: '6', join_ref: '6' });
    expect(expectV1(await s.next())).toMatchObject({ event: 'phx_reply', ref: '6' });
    s.send({ topic: 'room:v1', event: 'phx_leave', payload: {}, ref: '7', join_ref: '6' });
    const [leaveReply, closed] = await s.nextN(2);
    expect(expectV1(leaveReply)).toEqual({
      topic: 'room:v1',
      event: 'phx_reply',
      payload: ok(),
      ref: '7',
    });
    expect(expectV1(closed)).toEqual({
      topic: 'room:v1',
      event: 'phx_close',
      payload: {},
      ref: '6',
    });

    // A join without join_ref: phx_close/phx_error then carry `ref: null`.
    s.send({ topic: 'room:v1b', event: 'phx_join', payload: {}, ref: '8' });
    expect(expectV1(await s.next())).toMatchObject({ event: 'phx_reply', ref: '8' });
    s.send({ topic: 'room:v1b', event: 'boom', payload: {}, ref: '9' });
    expect(expectV1(await s.next())).toEqual({
      topic: 'room:v1b',
      event: 'phx_error',
      payload: { reason: 'channel_crash' },
      ref: null,
    });

    // Unmatched topic.
    s.send({ topic: 'room:v1b', event: 'echo', payload: {}, ref: '10' });
    expect(expectV1(await s.next())).toEqual({
      topic: 'room:v1b',
      event: 'phx_reply',
      payload: err('unmatched topic'),
      ref: '10',
    });
  }

  it('V1 framing with vsn=1.0.0: objects in and out, never a join_ref', async () => {
    await v1Scenario('1.0.0');
  });

  it('V1 framing without vsn: objects in and out, never a join_ref', async () => {
    await v1Scenario(null);
  });

  // ── handshake ───────────────────────────────────────────────────────────────────────────

  it('refuses an unknown vsn with HTTP 403', async () => {
    expect(await RawSocket.refusedStatus(t.socketUrl, { vsn: '3.0.0' })).toBe(403);
    expect(await RawSocket.refusedStatus(t.socketUrl, { vsn: 'nonsense' })).toBe(403);
  });

  it('subprotocols: selects phoenix when offered, none when none offered, 403 otherwise', async () => {
    const offered = await connect({ protocols: ['phoenix'] });
    expect(offered.protocol).toBe('phoenix');
    await offered.heartbeat();

    const both = await connect({ protocols: ['other', 'phoenix'] });
    expect(both.protocol).toBe('phoenix');

    const none = await connect();
    expect(none.protocol).toBe('');
    await none.heartbeat();

    expect(await RawSocket.refusedStatus(t.socketUrl, { protocols: ['other'] })).toBe(403);
  });

  // ── join_ref handling and channel lifecycle ─────────────────────────────────────────────

  it('drops messages with a stale join_ref silently', async () => {
    const s = await connect();
    await join(s, 'room:stale', 'J1');
    s.send(['J2', 'J2', 'room:stale', 'phx_join', {}]);
    await s.nextN(2); // new join reply + old phx_close (order checked below)

    s.send(['J1', '3', 'room:stale', 'echo', { stale: true }]);
    // Barrier: the next event on the channel is answered after the stale one would have been,
    // so its reply being the very next frame proves the stale one got nothing.
    expect(await s.request(['J2', '4', 'room:stale', 'echo', { n: 4 }])).toEqual([
      'J2',
      '4',
      'room:stale',
      'phx_reply',
      ok({ echo: { n: 4 } }),
    ]);
    expect(await s.request([null, '5', 'room:stale', 'echo', { n: 5 }])).toEqual([
      'J2',
      '5',
      'room:stale',
      'phx_reply',
      ok({ echo: { n: 5 } }),
    ]);
  });

  it('duplicate join: the new join reply first, then phx_close for the old join_ref', async () => {
    const s = await connect();
    await join(s, 'room:dup', 'J1');
    s.send(['J2', 'J2', 'room:dup', 'phx_join', {}]);
    expect(await s.nextN(2)).toEqual([
      ['J2', 'J2', 'room:dup', 'phx_reply', ok({ joined: 'room:dup', user: 'raw' })],
      ['J1', 'J1', 'room:dup', 'phx_close', {}],
    ]);
    // Nothing else for either join: the next frame is the reply to a later event (barrier).
    expect(await s.request(['J2', '3', 'room:dup', 'echo', {}])).toEqual([
      'J2',
      '3',
      'room:dup',
      'phx_reply',
      ok({ echo: {} }),
    ]);
  });

  it('duplicate join that is refused: error reply, then phx_close for the old join_ref', async () => {
    const s = await connect();
    await join(s, 'room:dupdeny', 'J1');
    s.send(['J2', 'J2', 'room:dupdeny', 'phx_join', { deny: true }]);
    expect(await s.nextN(2)).toEqual([
      ['J2', 'J2', 'room:dupdeny', 'phx_reply', err('unauthorized')],
      ['J1', 'J1', 'room:dupdeny', 'phx_close', {}],
    ]);
    expect(await s.request([null, '3', 'room:dupdeny', 'echo', {}])).toEqual([
      null,
      '3',
      'room:dupdeny',
      'phx_reply',
      err('unmatched topic'),
    ]);
  });

  it('answers "unmatched topic" with join_ref null', async () => {
    const s = await connect();
    expect(await s.request(['7', '8', 'room:never', 'echo', {}])).toEqual([
      null,
      '8',
      'room:never',
      'phx_reply',
      err('unmatched topic'),
    ]);
    expect(await s.request(['9', '9', 'nochannel:1', 'phx_join', {}])).toEqual([
      null,
      '9',
      'nochannel:1',
      'phx_reply',
      err('unmatched topic'),
    ]);
    // Any other event on topic "phoenix" is routed normally.
    expect(await s.request([null, '10', 'phoenix', 'echo', {}])).toEqual([
      null,
      '10',
      'phoenix',
      'phx_reply',
      err('unmatched topic'),
    ]);
  });

  it('leave: reply then phx_close; unjoined: reply only; stale join_ref: nothing', async () => {
    const s = await connect();
    await join(s, 'room:leave', '1');
    s.send(['1', '2', 'room:leave', 'phx_leave', {}]);
    expect(await s.nextN(2)).toEqual([
      ['1', '2', 'room:leave', 'phx_reply', ok()],
      ['1', '1', 'room:leave', 'phx_close', {}],
    ]);

    // The channel is gone (and this reply, the next frame, is the barrier: nothing else came).
    expect(await s.request(['1', '3', 'room:leave', 'echo', {}])).toEqual([
      null,
      '3',
      'room:leave',
      'phx_reply',
      err('unmatched topic'),
    ]);

    // Leave of a topic that was never joined: ok reply only.
    expect(await s.request(['4', '5', 'room:unjoined', 'phx_leave', {}])).toEqual([
      '4',
      '5',
      'room:unjoined',
      'phx_reply',
      ok(),
    ]);
    // Barrier: the next frame is the reply to a heartbeat sent after (no phx_close came).
    await s.expectNothingBefore();

    // Leave with a stale join_ref: nothing at all, and the channel stays.
    await join(s, 'room:leave2', 'A');
    s.send(['B', 'B', 'room:leave2', 'phx_join', {}]);
    await s.nextN(2);
    s.send(['A', '6', 'room:leave2', 'phx_leave', {}]);
    // Barrier: the reply to a later event on the channel is the very next frame.
    expect(await s.request(['B', '7', 'room:leave2', 'echo', {}])).toEqual([
      'B',
      '7',
      'room:leave2',
      'phx_reply',
      ok({ echo: {} }),
    ]);
  });

  it('channel crash: phx_error, then "unmatched topic"; the socket stays open', async () => {
    const s = await connect();
    await join(s, 'room:crash', '1');
    s.send(['1', '2', 'room:crash', 'boom', {}]);
    expect(await s.next()).toEqual([
      '1',
      '1',
      'room:crash',
      'phx_error',
      { reason: 'channel_crash' },
    ]);
    // Nothing but phx_error: the next frame is the reply to this later event (barrier).
    expect(await s.request(['1', '3', 'room:crash', 'echo', {}])).toEqual([
      null,
      '3',
      'room:crash',
      'phx_reply',
      err('unmatched topic'),
    ]);
    expect(s.isOpen).toBe(true);
    await s.heartbeat();
    // The topic can be joined again.
    await join(s, 'room:crash', '4');
  });

  it('join refused and join crash: error replies, no channel', async () => {
    const s = await connect();
    expect(await s.request(['1', '1', 'room:deny', 'phx_join', { deny: true }])).toEqual([
      '1',
      '1',
      'room:deny',
      'phx_reply',
      err('unauthorized'),
    ]);
    expect(await s.request(['2', '2', 'room:crashjoin', 'phx_join', { crash: true }])).toEqual([
      '2',
      '2',
      'room:crashjoin',
      'phx_reply',
      err('join crashed'),
    ]);
    // No phx_close or phx_error for either: the next frame answers this later event (barrier).
    expect(await s.request(['1', '3', 'room:deny', 'echo', {}])).toEqual([
      null,
      '3',
      'room:deny',
      'phx_reply',
      err('unmatched topic'),
    ]);
    await s.heartbeat();
  });

  it('replies to one channel come in request order', async () => {
    const s = await connect();
    await join(s, 'room:order', '1');
    const delays = [120, 60, 20, 0];
    delays.forEach((ms, i) => s.send(['1', `s${i}`, 'room:order', 'slow', { ms, n: i }]));
    expect(await s.nextN(delays.length)).toEqual(
      delays.map((_, i) => ['1', `s${i}`, 'room:order', 'phx_reply', ok({ n: i })]),
    );
  });

  it(`refuses the join beyond ${MAX_CHANNELS} channels`, async () => {
    const s = await connect();
    for (let i = 1; i <= MAX_CHANNELS; i++) await join(s, `room:limit${i}`, String(i));
    expect(await s.request(['99', '99', 'room:limit99', 'phx_join', {}])).toEqual([
      '99',
      '99',
      'room:limit99',
      'phx_reply',
      err('too many channels joined'),
    ]);
    // A duplicate join replaces a channel, so it is allowed at the limit.
    s.send(['1b', '1b', 'room:limit1', 'phx_join', {}]);
    expect(await s.nextN(2)).toEqual([
      ['1b', '1b', 'room:limit1', 'phx_reply', ok({ joined: 'room:limit1', user: 'raw' })],
      ['1', '1', 'room:limit1', 'phx_close', {}],
    ]);
    // After a leave, there is room again.
    s.send(['2', 'l', 'room:limit2', 'phx_leave', {}]);
    await s.nextN(2);
    await join(s, 'room:limit99', '100');
  });

  // ── malformed and oversize frames ───────────────────────────────────────────────────────

  const longTopic = `room:${'x'.repeat(251)}`; // 256 bytes
  const longUtf8Topic = `room:${'é'.repeat(126)}`; // 131 chars, 257 bytes
  const malformed: Array<[string, string | null, (s: RawSocket) => void]> = [
    ['invalid JSON', '2.0.0', (s) => s.send('[null,"1","phoenix",')],
    ['a JSON object (V2)', '2.0.0', (s) => s.send({ topic: 'phoenix' })],
    ['a JSON number', '2.0.0', (s) => s.send('42')],
    ['an array of 4', '2.0.0', (s) => s.send([null, '1', 'phoenix', 'heartbeat'])],
    ['a non-string topic', '2.0.0', (s) => s.send([null, '1', 42, 'heartbeat', {}])],
    ['a non-string event', '2.0.0', (s) => s.send([null, '1', 'phoenix', 7, {}])],
    ['a numeric ref', '2.0.0', (s) => s.send([null, 1, 'phoenix', 'heartbeat', {}])],
    ['a numeric join_ref', '2.0.0', (s) => s.send([1, '1', 'phoenix', 'heartbeat', {}])],
    [
      'a binary frame with unknown kind 3',
      '2.0.0',
      (s) =>
        s.sendBinary(
          Buffer.concat([Buffer.from([3, 0, 1, 7, 9]), Buffer.from('1phoenixheartbeat')]),
        ),
    ],
    [
      'a binary frame with server kind 1',
      '2.0.0',
      (s) => s.sendBinary(Buffer.concat([Buffer.from([1, 0, 1, 7, 2]), Buffer.from('1phoenixok')])),
    ],
    [
      'a truncated binary frame',
      '2.0.0',
      (s) => s.sendBinary(binaryPush('1', '2', 'room:lobby', 'upload', []).subarray(0, 12)),
    ],
    ['a truncated binary header', '2.0.0', (s) => s.sendBinary([0, 1, 1])],
    ['a topic longer than 255 bytes', '2.0.0', (s) => s.send([null, '1', longTopic, 'echo', {}])],
    [
      'a topic longer than 255 UTF-8 bytes (multi-byte)',
      '2.0.0',
      (s) => s.send([null, '1', longUtf8Topic, 'echo', {}]),
    ],
    [
      'a ref longer than 255 bytes',
      '2.0.0',
      (s) => s.send([null, 'r'.repeat(256), 'phoenix', 'heartbeat', {}]),
    ],
    [
      'V1: a missing ref key',
      '1.0.0',
      (s) => s.send({ topic: 'phoenix', event: 'heartbeat', payload: {} }),
    ],
    [
      'V1: a missing payload key',
      '1.0.0',
      (s) => s.send({ topic: 'phoenix', event: 'heartbeat', ref: '1' }),
    ],
    ['V1: a JSON array', '1.0.0', (s) => s.send([null, '1', 'phoenix', 'heartbeat', {}])],
    [
      'V1: a binary frame',
      '1.0.0',
      (s) => s.sendBinary(binaryPush(null, '1', 'phoenix', 'heartbeat', [])),
    ],
    ['V1 (no vsn): a binary frame', null, (s) => s.sendBinary([1, 2, 3])],
  ];

  it.each(malformed)(
    'closes with 1003 on %s; other sockets keep working',
    async (_name, vsn, sendBad) => {
      const good = await connect();
      const bad = await connect({ vsn });
      sendBad(bad);
      expect((await bad.closed()).code).toBe(1003);
      await good.heartbeat();
    },
  );

  it('accepts topic, event and refs of exactly 255 bytes', async () => {
    const s = await connect();
    const topic = `room:${'é'.repeat(125)}`; // 255 bytes
    const joinRef = 'j'.repeat(255);
    const ref = 'r'.repeat(255);
    const event = 'e'.repeat(255);
    expect(Buffer.byteLength(topic)).toBe(255);
    await join(s, topic, joinRef);
    expect(await s.request([joinRef, ref, topic, 'echo', { n: 1 }])).toEqual([
      joinRef,
      ref,
      topic,
      'phx_reply',
      ok({ echo: { n: 1 } }),
    ]);
    expect(await s.request([joinRef, ref, topic, event, {}])).toEqual([
      joinRef,
      ref,
      topic,
      'phx_reply',
      err('unknown event'),
    ]);
  });

  it(`closes with 1009 on a frame over ${MAX_FRAME_BYTES} bytes`, async () => {
    const good = await connect();
    const s = await connect();
    s.send(['1', '1', 'room:big', 'echo', { blob: 'x'.repeat(MAX_FRAME_BYTES + 100) }]);
    expect((await s.closed()).code).toBe(1009);
    await good.heartbeat();
  });

  it('accepts a frame just under the limit', async () => {
    const s = await connect();
    await join(s, 'room:fits', '1');
    const blob = 'x'.repeat(MAX_FRAME_BYTES - 100);
    expect(await s.request(['1', '2', 'room:fits', 'echo', { blob }])).toEqual([
      '1',
      '2',
      'room:fits',
      'phx_reply',
      ok({ echo: { blob } }),
    ]);
  });

  // ── binary frames ───────────────────────────────────────────────────────────────────────

  it('a binary push (kind 0) gets a binary reply (kind 1) laid out as in §5.3', async () => {
    const s = await connect();
    await join(s, 'room:lobby', '6');
    const push = binaryPush('6', '11', 'room:lobby', 'upload', [1, 2, 3]);
    // The spec §5.1 test vector.
    expect(push).toEqual(
      hex('00 01 02 0a 06 36 31 31 72 6f 6f 6d 3a 6c 6f 62 62 79 75 70 6c 6f 61 64 01 02 03'),
    );
    s.sendBinary(push);
    const reply = await s.next();
    expect(Buffer.isBuffer(reply)).toBe(true);
    // kind 1, join_ref "6", ref "11", topic "room:lobby", status "ok", response = reversed bytes.
    expect((reply as Buffer).toString('hex')).toBe(
      hex('01 01 02 0a 02 36 31 31 72 6f 6f 6d 3a 6c 6f 62 62 79 6f 6b 03 02 01').toString('hex'),
    );

    // A binary push with a null join_ref (empty field) is delivered too; the reply carries
    // the channel's join_ref.
    s.sendBinary(binaryPush(null, '12', 'room:lobby', 'upload', [9, 9]));
    expect(((await s.next()) as Buffer).toString('hex')).toBe(
      hex('01 01 02 0a 02 36 31 32 72 6f 6f 6d 3a 6c 6f 62 62 79 6f 6b 09 09').toString('hex'),
    );

    // A JSON event answered with an error reply stays JSON.
    expect(await s.request(['6', '13', 'room:lobby', 'upload', {}])).toEqual([
      '6',
      '13',
      'room:lobby',
      'phx_reply',
      err('expected binary'),
    ]);
  });

  it('server binary push (kind 0) and broadcast (kind 2) match §5.2 and §5.4', async () => {
    const s = await connect();
    await join(s, 'room:lobby', '6');
    s.send(['6', '7', 'room:lobby', 'binary_push', {}]);
    const [push, pushReply] = await s.nextN(2);
    expect((push as Buffer).toString('hex')).toBe(
      hex('00 01 0a 05 36 72 6f 6f 6d 3a 6c 6f 62 62 79 69 6d 61 67 65 ff d8').toString('hex'),
    );
    expect(pushReply).toEqual(['6', '7', 'room:lobby', 'phx_reply', ok()]);

    s.send(['6', '8', 'room:lobby', 'binary_broadcast', {}]);
    const frames = await s.nextN(2);
    const broadcast = frames.find((f): f is Buffer => Buffer.isBuffer(f));
    expect(broadcast?.toString('hex')).toBe(
      hex('02 0a 04 72 6f 6f 6d 3a 6c 6f 62 62 79 74 69 63 6b 2a').toString('hex'),
    );
    expect(frames).toContainEqual(['6', '8', 'room:lobby', 'phx_reply', ok()]);
  });
});

describe('raw Phoenix protocol: idle timeout', () => {
  let t: TestApp;
  const IDLE_MS = 300;

  beforeAll(async () => {
    t = await startTestApp(
      { WS_IDLE_TIMEOUT_MS: String(IDLE_MS) },
      { imports: [TestChannelsModule] },
    );
  });
  afterAll(() => t.close());

  it('closes a silent socket with 1002; a heartbeating socket stays open', async () => {
    const silent = await RawSocket.connect(t.socketUrl);
    const alive = await RawSocket.connect(t.socketUrl);
    try {
      let n = 0;
      const timer = setInterval(
        () => alive.send([null, `hb${n++}`, 'phoenix', 'heartbeat', {}]),
        IDLE_MS / 3,
      );
      try {
        const closed = await silent.closed(IDLE_MS * 10);
        expect(closed.code).toBe(1002);
        // Keep going until well past the timeout: waits for a close and fails as soon as it comes.
        await expect(alive.closed(IDLE_MS * 2)).rejects.toThrow(/still open/);
      } finally {
        clearInterval(timer);
      }
      expect(alive.isOpen).toBe(true);
      expect(n).toBeGreaterThan(0);
      // Drain the heartbeat replies, then one more round trip.
      for (let i = 0; i < n; i++) {
        expect(await alive.next()).toEqual([null, `hb${i}`, 'phoenix', 'phx_reply', ok()]);
      }
      await alive.heartbeat('last');
    } finally {
      await Promise.all([silent.close(), alive.close()]);
    }
  });
});

describe('raw Phoenix protocol: graceful shutdown', () => {
  it('closes open sockets with 1012 when the app closes', async () => {
    const t = await startTestApp({}, { imports: [TestChannelsModule] });
    let appClosed = false;
    let s: RawSocket | undefined;
    try {
      s = await RawSocket.connect(t.socketUrl);
      s.send(['1', '1', 'room:drain', 'phx_join', {}]);
      await s.next();
      const closed = s.closed(5000);
      appClosed = true;
      await t.close();
      expect((await closed).code).toBe(1012);
    } finally {
      await s?.close();
      if (!appClosed) await t.close();
    }
  });
});
