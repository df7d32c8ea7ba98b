import { LongPoll, Socket } from 'phoenix';
import WebSocket from 'ws';
import { RealtimeEndpoint } from '../../src/realtime/realtime-endpoint.js';
import { waitFor } from '../support/phoenix-client.js';
import { startTestApp, type TestApp } from '../support/test-app.js';
import { TestChannelsModule } from '../support/test-channels.js';

type Body = { status: number; token?: string; messages?: string[] };

const WINDOW = 400;

function until<T>(
  register: (resolve: (value: T) => void, reject: (e: unknown) => void) => void,
  ms = 5000,
): Promise<T> {
  return new Promise<T>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error('timed out')), ms);
    register(
      (value) => {
        clearTimeout(timer);
        resolve(value);
      },
      (error) => {
        clearTimeout(timer);
        reject(error instanceof Error ? error : new Error(JSON.stringify(error)));
      },
    );
  });
}

describe('LongPoll transport', () => {
  let t: TestApp;
  let base: string;

  beforeAll(async () => {
    t = await startTestApp(
      { LONGPOLL_WINDOW_MS: String(WINDOW) },
      { imports: [TestChannelsModule] },
    );
    base = `${t.url}/socket/longpoll`;
  });
  afterAll(() => t.close());

  async function get(query: string, headers: Record<string, string> = {}): Promise<Body> {
    const res = await fetch(`${base}?${query}`, {
      headers: { accept: 'application/json', ...headers },
    });
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toBe('application/json; charset=utf-8');
    expect(res.headers.get('cache-control')).toBe('no-store');
    expect(res.headers.get('access-control-allow-origin')).toBe('*');
    return (await res.json()) as Body;
  }

  async function post(
    query: string,
    lines: string[],
    headers: Record<string, string> = {},
  ): Promise<Body> {
    const res = await fetch(`${base}?${query}`, {
      method: 'POST',
      headers: { 'content-type': 'application/x-ndjson', ...headers },
      body: lines.join('\n'),
    });
    expect(res.status).toBe(200);
    return (await res.json()) as Body;
  }

  type RawFrame = [string | null, string | null, string, string, unknown];

  /** Polls `query` until `done(frames so far)` holds; resolves with every frame received. */
  async function pollUntil(
    query: string,
    done: (frames: RawFrame[]) => boolean,
    timeoutMs = 5000,
  ): Promise<RawFrame[]> {
    const frames: RawFrame[] = [];
    const deadline = Date.now() + timeoutMs;
    while (!done(frames)) {
      if (Date.now() > deadline)
        throw new Error(`poll never matched; got ${JSON.stringify(frames)}`);
      const polled = await get(query);
      expect([200, 204]).toContain(polled.status);
      frames.push(...(polled.messages ?? []).map((m) => JSON.parse(m) as RawFrame));
    }
    return frames;
  }

  const ok = (response: unknown = {}) => ({ status: 'ok', response });

  it('works with the official client: join, push and reply, broadcasts from WebSocket sockets', async () => {
    const lp = new Socket(t.socketUrl, {
      transport: LongPoll,
      params: { user: 'lp' },
      timeout: 3000,
    });
    const ws = new Socket(t.socketUrl, { transport: WebSocket, params: { user: 'ws' } });
    lp.connect();
    ws.connect();
    const lpRoom = lp.channel('room:lp', {});
    const wsRoom = ws.channel('room:lp', {});
    const joined = await until((ok, fail) =>
      lpRoom.join().receive('ok', ok).receive('error', fail),
    );
    expect(joined).toEqual({ joined: 'room:lp', user: 'lp' });
    await until((ok, fail) => wsRoom.join().receive('ok', ok).receive('error', fail));

    const echoed = await until((ok, fail) =>
      lpRoom.push('echo', { n: 1 }).receive('ok', ok).receive('timeout', fail),
    );
    expect(echoed).toEqual({ echo: { n: 1 } });

    const received = until((ok) => lpRoom.on('shout', ok));
    wsRoom.push('shout', { from: 'ws' });
    expect(await received).toEqual({ from: 'ws' });

    const bytes = new Uint8Array([1, 2, 3]);
    const size = await until((ok, fail) =>
      lpRoom.push('upload_size', bytes.buffer.slice(0)).receive('ok', ok).receive('timeout', fail),
    );
    expect(size).toEqual({ size: 3, bytes: [1, 2, 3] });

    await Promise.all([
      new Promise<void>((resolve) => lp.disconnect(() => resolve())),
      new Promise<void>((resolve) => ws.disconnect(() => resolve())),
    ]);
  });

  it('opens a session with 410 and a token; refuses a bad vsn with 403', async () => {
    const opened = await get('user=raw&vsn=2.0.0&');
    expect(opened).toEqual({ status: 410, token: expect.any(String), messages: [] });
    expect(await get('user=raw&vsn=9.0.0')).toEqual({ status: 403 });
    expect(await get('refuse=403&vsn=2.0.0')).toEqual({ status: 403 });
  });

  it('delivers replies through polls, answers 204 after an empty window, and uses the last token', async () => {
    const { token } = await get('token=user-param&user=raw&vsn=2.0.0');
    const query = `token=user-param&user=raw&vsn=2.0.0&token=${token}`;
    expect(
      await post(query, [
        '["1","1","room:raw","phx_join",{}]',
        '["1","2","room:raw","echo",{"x":1}]',
      ]),
    ).toEqual({
      status: 200,
    });
    const polled = await get(query);
    expect(polled.status).toBe(200);
    expect(polled.token).toBe(token);
    expect(polled.messages!.map((m) => JSON.parse(m))).toEqual([
      [
        '1',
        '1',
        'room:raw',
        'phx_reply',
        { status: 'ok', response: { joined: 'room:raw', user: 'raw' } },
      ],
      ['1', '2', 'room:raw', 'phx_reply', { status: 'ok', response: { echo: { x: 1 } } }],
    ]);
    expect(await get(query)).toEqual({ status: 204, token, messages: [] });
  });

  it('accepts the session token in X-Phoenix-Longpoll-Token and base64 binary lines', async () => {
    const { token } = await get('user=hdr&vsn=2.0.0');
    const headers = { 'x-phoenix-longpoll-token': token! };
    // binary push: join_ref "1", ref "2", topic "room:bin", event "upload_size", bytes 01 02 03
    const frame = Buffer.concat([
      Buffer.from([0, 1, 1, 8, 11]),
      Buffer.from('12room:binupload_size'),
      Buffer.from([1, 2, 3]),
    ]);
    await post(
      'vsn=2.0.0',
      ['["1","1","room:bin","phx_join",{}]', frame.toString('base64')],
      headers,
    );
    const polled = await get('vsn=2.0.0', headers);
    expect(polled.messages!.map((m) => JSON.parse(m))[1]).toEqual([
      '1',
      '2',
      'room:bin',
      'phx_reply',
      { status: 'ok', response: { size: 3, bytes: [1, 2, 3] } },
    ]);
  });

  it('authenticates with X-Phoenix-AuthToken on the session-creating GET', async () => {
    const { token } = await get('vsn=2.0.0', { 'x-phoenix-authtoken': 'token-for-zed' });
    await post(`vsn=2.0.0&token=${token}`, ['["1","1","room:auth","phx_join",{}]']);
    const polled = await get(`vsn=2.0.0&token=${token}`);
    expect(JSON.parse(polled.messages![0])[4]).toEqual({
      status: 'ok',
      response: { joined: 'room:auth', user: 'zed' },
    });
  });

  it('answers 410 for POSTs to unknown sessions, 400 for other methods, and CORS preflights', async () => {
    expect(await post('vsn=2.0.0&token=nope', ['["1","1","room:x","phx_join",{}]'])).toEqual({
      status: 410,
    });
    expect((await fetch(base, { method: 'PUT' })).status).toBe(400);
    const preflight = await fetch(base, {
      method: 'OPTIONS',
      headers: { 'access-control-request-headers': 'x-phoenix-authtoken, content-type' },
    });
    expect(preflight.status).toBe(200);
    expect(preflight.headers.get('access-control-allow-headers')).toBe(
      'x-phoenix-authtoken, content-type',
    );
    expect(preflight.headers.get('access-control-allow-methods')).toBe('get, post, options');
    expect(preflight.headers.get('access-control-max-age')).toBe('3600');
  });

  it('ends a session that is not polled for 1.5 windows, and on disconnect(id)', async () => {
    const { token } = await get('user=quiet&vsn=2.0.0');
    await new Promise((resolve) => setTimeout(resolve, WINDOW * 2.2));
    expect(await post(`vsn=2.0.0&token=${token}`, ['[null,"1","phoenix","heartbeat",{}]'])).toEqual(
      { status: 410 },
    );

    const second = await get('user=kicked&vsn=2.0.0');
    t.app.get(RealtimeEndpoint).disconnect('user:kicked');
    expect(
      await post(`vsn=2.0.0&token=${second.token}`, ['[null,"1","phoenix","heartbeat",{}]']),
    ).toEqual({
      status: 410,
    });
  });

  it('processes only the first 100 lines of a POST', async () => {
    const { token } = await get('user=batch&vsn=2.0.0');
    const query = `vsn=2.0.0&token=${token}`;
    // Line 1 joins, lines 2–102 are echoes e2…e102: lines 101 and 102 are past the limit.
    const echoes = Array.from({ length: 101 }, (_, i) => `e${i + 2}`);
    const lines = [
      '["1","1","room:batch","phx_join",{}]',
      ...echoes.map((ref) => `["1","${ref}","room:batch","echo",{}]`),
    ];
    expect(await post(query, lines)).toEqual({ status: 200 });
    // Barrier: an echo in a later POST; the channel answers in order, so any reply to lines 101
    // and 102 would come before its reply.
    expect(await post(query, ['["1","after","room:batch","echo",{}]'])).toEqual({ status: 200 });
    const frames = await pollUntil(query, (fs) => fs.some((f) => f[1] === 'after'));
    const reply = (ref: string, response: unknown): RawFrame => [
      '1',
      ref,
      'room:batch',
      'phx_reply',
      ok(response),
    ];
    expect(frames).toEqual([
      reply('1', { joined: 'room:batch', user: 'batch' }),
      ...echoes.slice(0, 99).map((ref) => reply(ref, { echo: {} })),
      reply('after', { echo: {} }),
    ]);
  });

  it('drops server→client binary frames (with rate-limited warnings) and the session lives on', async () => {
    const { token } = await get('user=binout&vsn=2.0.0');
    const query = `vsn=2.0.0&token=${token}`;
    const warnings = () =>
      t.logs.filter((l) => String(l.msg).startsWith('binary frame dropped')).length;
    const warned = warnings();
    // A binary push to this client and a binary broadcast on its topic, then an echo (barrier).
    expect(
      await post(query, [
        '["1","1","room:binout","phx_join",{}]',
        '["1","2","room:binout","binary_push",{}]',
        '["1","3","room:binout","binary_broadcast",{}]',
        '["1","4","room:binout","echo",{"after":true}]',
      ]),
    ).toEqual({ status: 200 });
    const frames = await pollUntil(query, (fs) => fs.some((f) => f[1] === '4'));
    expect(frames).toEqual([
      ['1', '1', 'room:binout', 'phx_reply', ok({ joined: 'room:binout', user: 'binout' })],
      ['1', '2', 'room:binout', 'phx_reply', ok()],
      ['1', '3', 'room:binout', 'phx_reply', ok()],
      ['1', '4', 'room:binout', 'phx_reply', ok({ echo: { after: true } })],
    ]);
    expect(warnings()).toBe(warned + 1); // the second waits for the rate-limited log's second

    // The session goes on: a heartbeat is answered.
    expect(await post(query, ['[null,"hb","phoenix","heartbeat",{}]'])).toEqual({ status: 200 });
    expect(await pollUntil(query, (fs) => fs.length > 0)).toEqual([
      [null, 'hb', 'phoenix', 'phx_reply', ok()],
    ]);
    await waitFor(() => warnings() >= warned + 2, 3000, 'the second warning');
    expect(warnings()).toBe(warned + 2);
  });
});
