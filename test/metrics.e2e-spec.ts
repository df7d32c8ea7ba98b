import type { Socket } from 'phoenix';
import request from 'supertest';
import { registerUser } from './support/chat-users.js';
import { sample, scrape, scrapeUntil } from './support/metrics.js';
import {
  connect,
  disconnect,
  disconnectAll,
  join,
  leave,
  push,
  pushReply,
  ReplyError,
} from './support/phoenix-client.js';
import { createPlayer, joinNotifications, WITH_PRESENCE } from './support/rally-players.js';
import { RawSocket } from './support/raw-socket.js';
import { TestChannelsModule } from './support/test-channels.js';
import { startTestApp, type TestApp } from './support/test-app.js';

/** The metric names other tools read (issue 13), with their Prometheus types. */
const FIXED: Array<[name: string, type: string]> = [
  ['nestling_connections', 'gauge'],
  ['nestling_connects_total', 'counter'],
  ['nestling_channels', 'gauge'],
  ['nestling_joins_total', 'counter'],
  ['nestling_messages_in_total', 'counter'],
  ['nestling_broadcasts_total', 'counter'],
  ['nestling_frames_out_total', 'counter'],
  ['nestling_malformed_frames_total', 'counter'],
  ['nestling_socket_closes_total', 'counter'],
  ['nestling_presence_entries', 'gauge'],
  ['nestling_cluster_nodes', 'gauge'],
  ['nestling_bus_messages_total', 'counter'],
  ['nestling_bus_gaps_total', 'counter'],
  ['nestling_http_request_duration_seconds', 'histogram'],
  ['nestling_db_pool_connections', 'gauge'],
  ['nestling_chat_messages_total', 'counter'],
  ['nestling_chat_send_batch_seconds', 'histogram'],
  ['nestling_rally_stamps_collected_total', 'counter'],
  // prom-client's default process metrics, with the prefix
  ['nestling_nodejs_eventloop_lag_seconds', 'gauge'],
  ['nestling_nodejs_heap_size_used_bytes', 'gauge'],
  ['nestling_nodejs_gc_duration_seconds', 'histogram'],
  ['nestling_process_cpu_seconds_total', 'counter'],
];

const PROMETHEUS_TEXT = 'text/plain; version=0.0.4; charset=utf-8';
const JSON_API = 'application/vnd.api+json';

/** `series` in `text`, 0 when absent (a counter not counted yet). */
const valueOf = (text: string, series: string): number => sample(text, series) ?? 0;

describe('GET /metrics', () => {
  let t: TestApp;

  beforeAll(async () => {
    t = await startTestApp({}, { imports: [TestChannelsModule] });
  });

  afterEach(async () => {
    await disconnectAll();
  });

  afterAll(async () => {
    await t.close();
  });

  /** Scrapes until every `series` went up by its `delta` since `before`. */
  function risen(before: string, deltas: Record<string, number>): Promise<string> {
    return scrapeUntil(
      t.url,
      (text) =>
        Object.entries(deltas).every(
          ([series, delta]) => valueOf(text, series) === valueOf(before, series) + delta,
        ),
      JSON.stringify(deltas),
    );
  }

  it('answers the Prometheus text format with every fixed metric', async () => {
    const res = await request(t.url).get('/metrics').expect(200);
    expect(res.headers['content-type']).toBe(PROMETHEUS_TEXT);
    const lines = res.text.split('\n');
    for (const [name, type] of FIXED) expect(lines).toContain(`# TYPE ${name} ${type}`);
    for (const state of ['idle', 'busy', 'waiting']) {
      const count = sample(res.text, `nestling_db_pool_connections{state="${state}"}`);
      expect(Number.isInteger(count) && count! >= 0).toBe(true);
    }
    expect(sample(res.text, 'nestling_cluster_nodes')).toBe(1);
    expect(sample(res.text, 'nestling_bus_messages_total{direction="in"}')).toBe(0);
    expect(sample(res.text, 'nestling_bus_gaps_total')).toBe(0);
    expect(sample(res.text, 'nestling_nodejs_eventloop_lag_seconds')).toBeGreaterThanOrEqual(0);
  });

  it('counts connections by transport, connects by result, and closes by code', async () => {
    const before = await scrapeUntil(
      t.url,
      (text) => sample(text, 'nestling_connections{transport="websocket"}') === 0,
      'no socket left from earlier tests',
    );
    const sockets = await Promise.all(
      [1, 2, 3].map((n) => connect(t.socketUrl, { params: { user: `conn${n}` } })),
    );
    expect(await RawSocket.refusedStatus(t.socketUrl, { query: { refuse: '403' } })).toBe(403);

    const open = await risen(before, {
      'nestling_connects_total{transport="websocket",result="ok"}': 3,
      'nestling_connects_total{transport="websocket",result="refused"}': 1,
    });
    expect(open.split('\n')).toContain('nestling_connections{transport="websocket"} 3');
    expect(open.split('\n')).toContain('nestling_connections{transport="longpoll"} 0');

    await Promise.all(sockets.map((socket) => disconnect(socket)));
    const closed = await risen(open, { 'nestling_socket_closes_total{code="1005"}': 3 });
    expect(sample(closed, 'nestling_connections{transport="websocket"}')).toBe(0);
  });

  it('counts joins and channels by topic prefix and result, never a full topic', async () => {
    const before = await scrape(t.url);
    const socket = await connect(t.socketUrl, { params: { user: 'joiner' } });
    const first = socket.channel('room:first-41', {});
    await join(first);
    await join(socket.channel('room:second-42', {}));
    await expect(refused(socket, 'room:denied-43', { deny: true })).resolves.toEqual({
      reason: 'unauthorized',
    });
    await expect(refused(socket, 'nosuch:secret-44', {})).resolves.toEqual({
      reason: 'unmatched topic',
    });

    const joined = await risen(before, {
      'nestling_joins_total{topic="room",result="ok"}': 2,
      'nestling_joins_total{topic="room",result="error"}': 1,
      'nestling_joins_total{topic="unmatched",result="error"}': 1,
    });
    expect(sample(joined, 'nestling_channels{topic="room"}')).toBe(2);
    for (const text of ['first-41', 'second-42', 'denied-43', 'nosuch', 'secret-44'])
      expect(joined).not.toContain(text);

    await leave(first);
    await scrapeUntil(
      t.url,
      (text) => sample(text, 'nestling_channels{topic="room"}') === 1,
      'one room channel left',
    );
  });

  it('counts presence entries by topic prefix', async () => {
    const sockets = await Promise.all(
      ['ann', 'bob'].map((user) => connect(t.socketUrl, { params: { user } })),
    );
    await Promise.all(sockets.map((s, i) => join(s.channel(`presence:lobby-${i % 2}`, {}))));
    const text = await scrapeUntil(
      t.url,
      (text) => sample(text, 'nestling_presence_entries{topic="presence"}') === 2,
      'two presence entries',
    );
    expect(text).not.toContain('lobby');
  });

  it('counts client messages and broadcasts by prefix, and frames written', async () => {
    const sockets = await Promise.all(
      ['caster', 'listener'].map((user) => connect(t.socketUrl, { params: { user } })),
    );
    const [caster] = await Promise.all(
      sockets.map(async (s) => {
        const channel = s.channel('room:cast', {});
        await join(channel);
        return channel;
      }),
    );
    const before = await scrape(t.url);
    await push(caster, 'shout', { n: 1 });
    const after = await risen(before, {
      'nestling_messages_in_total{topic="room"}': 1,
      'nestling_broadcasts_total{topic="room"}': 1,
    });
    // the reply and the two deliveries at least (heartbeats may add more)
    expect(valueOf(after, 'nestling_frames_out_total')).toBeGreaterThanOrEqual(
      valueOf(before, 'nestling_frames_out_total') + 3,
    );
  });

  it('counts a malformed frame and the close it causes', async () => {
    const before = await scrape(t.url);
    const raw = await RawSocket.connect(t.socketUrl);
    raw.send('this is not a frame');
    expect((await raw.closed()).code).toBe(1003);
    await risen(before, {
      nestling_malformed_frames_total: 1,
      'nestling_socket_closes_total{code="1003"}': 1,
    });
  });

  it('counts chat messages stored (a first message, a send; not a repeated send)', async () => {
    const [ann, bob] = await Promise.all([registerUser(t.url), registerUser(t.url)]);
    const socket = await connect(t.socketUrl, { params: { token: ann.authToken } });
    const system = socket.channel('system:general', { token: ann.authToken, hidden: false });
    await join(system);
    const before = await scrape(t.url);
    const started = await pushReply(system, 'start_conversation', {
      token: ann.authToken,
      private: true,
      user_ids: [bob.id],
      message: 'first',
    });
    expect(started.status).toBe('ok');
    const conversation = socket.channel(`conversation:${started.response as string}`, {
      token: ann.authToken,
    });
    await join(conversation);
    const send = { token: ann.authToken, content: 'again', client_msg_id: 'm-1' };
    await push(conversation, 'send_message', send);
    await risen(before, { nestling_chat_messages_total: 2 });
    await push(conversation, 'send_message', send); // a repeat: the original comes back
    await push(conversation, 'send_message', { token: ann.authToken, content: 'third' });
    const after = await risen(before, { nestling_chat_messages_total: 3 });
    // Each send_message went through a send batch: their statement-to-commit times are observed.
    const batches = (text: string) => sample(text, 'nestling_chat_send_batch_seconds_count') ?? 0;
    expect(batches(after) - batches(before)).toBeGreaterThanOrEqual(2);
    expect(batches(after) - batches(before)).toBeLessThanOrEqual(3);
  });

  it('counts accepted stamp-rally collected announcements', async () => {
    const player = await createPlayer(t.url, 'any-bearer', 'Stamper');
    const { channel } = await joinNotifications(
      t.socketUrl,
      player,
      'notifications',
      WITH_PRESENCE,
    );
    const before = await scrape(t.url);
    await push(channel, 'collected', { nickname: null });
    const after = await risen(before, { nestling_rally_stamps_collected_total: 1 });
    expect(sample(after, 'nestling_presence_entries{topic="notifications"}')).toBe(1);
  });

  it('times HTTP requests by route pattern, never by raw path', async () => {
    const before = await scrape(t.url);
    const player = await createPlayer(t.url, 'any-bearer', 'Timed');
    await request(t.url)
      .get(`/api/json/accounts/users/${player}`)
      .set({ accept: JSON_API, authorization: 'Bearer any-bearer' })
      .expect(200);
    await request(t.url) // refused by the route's own guard: still labelled by its route
      .get(`/api/json/accounts/users/${player}`)
      .set({ accept: JSON_API })
      .expect(401);
    await request(t.url).get('/no/such/path-45').expect(404);
    const series = (labels: string) => `nestling_http_request_duration_seconds_count{${labels}}`;
    const text = await risen(before, {
      [series('method="POST",route="/api/json/accounts/users",status="201"')]: 1,
      [series('method="GET",route="/api/json/accounts/users/:id",status="200"')]: 1,
      [series('method="GET",route="/api/json/accounts/users/:id",status="401"')]: 1,
      [series('method="GET",route="unmatched",status="404"')]: 1,
    });
    expect(text).not.toContain(player);
    expect(text).not.toContain('path-45');
  });

  /** A join that must be refused: its error response (the client's rejoins stopped). */
  async function refused(socket: Socket, topic: string, params: object): Promise<unknown> {
    const channel = socket.channel(topic, params);
    try {
      await join(channel);
    } catch (err) {
      await leave(channel);
      if (err instanceof ReplyError && err.status === 'error') return err.response;
      throw err;
    }
    throw new Error(`join of ${topic} was accepted`);
  }
});
