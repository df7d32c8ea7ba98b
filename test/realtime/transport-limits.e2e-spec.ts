/**
 * Transport limits in one process (docs/realtime.md, "Limits and close codes"): the LongPoll
 * buffer bound and frame size, and the rate-limited warnings. The WebSocket slow consumer is
 * tested against the built server in slow-consumer.e2e-spec.ts (it measures the process's RSS).
 */
import { RealtimeEndpoint } from '../../src/realtime/realtime-endpoint.js';
import { LongPollRaw } from '../support/longpoll-raw.js';
import { waitFor } from '../support/phoenix-client.js';
import { binaryPush, RawSocket } from '../support/raw-socket.js';
import { startTestApp, type TestApp } from '../support/test-app.js';
import { TestChannelsModule } from '../support/test-channels.js';

const MAX_FRAME_BYTES = 16 * 1024;
const MAX_BUFFERED_BYTES = 64 * 1024;
const HEARTBEAT = '[null,"hb","phoenix","heartbeat",{}]';

/** A V2 `echo` frame on `topic` of exactly `bytes` UTF-8 bytes. */
function echoFrame(topic: string, bytes: number): string {
  const empty = JSON.stringify(['1', '2', topic, 'echo', { blob: '' }]);
  return JSON.stringify(['1', '2', topic, 'echo', { blob: 'x'.repeat(bytes - empty.length) }]);
}

describe('transport limits', () => {
  let t: TestApp;
  let lp: LongPollRaw;

  beforeAll(async () => {
    t = await startTestApp(
      {
        WS_MAX_FRAME_BYTES: String(MAX_FRAME_BYTES),
        WS_MAX_BUFFERED_BYTES: String(MAX_BUFFERED_BYTES),
        // Sessions outlive the test by far: only the limits under test can end them.
        LONGPOLL_WINDOW_MS: '60000',
      },
      { imports: [TestChannelsModule] },
    );
    lp = new LongPollRaw(`${t.url}/socket/longpoll`);
  });
  afterAll(() => t.close());

  const logLines = (text: string) =>
    t.logs.map((line) => String(line.msg)).filter((msg) => msg.includes(text));

  /** Opens a session and joins `topic` (the join reply is taken with one poll). */
  async function joinedSession(user: string, topic: string) {
    const session = await lp.open(`user=${user}`);
    expect(await lp.post(session.query, [`["1","1","${topic}","phx_join",{}]`])).toEqual({
      status: 200,
    });
    const joined = await lp.get(session.query);
    expect(joined.messages?.map((m) => JSON.parse(m) as unknown)).toEqual([
      ['1', '1', topic, 'phx_reply', { status: 'ok', response: { joined: topic, user } }],
    ]);
    return session;
  }

  /** The session is gone: POSTs get 410, and a poll opens a new session. */
  async function expectGone(session: { token: string; query: string }) {
    expect(await lp.post(session.query, [HEARTBEAT])).toEqual({ status: 410 });
    const reopened = await lp.get(session.query);
    expect(reopened).toEqual({ status: 410, token: expect.any(String), messages: [] });
    expect(reopened.token).not.toBe(session.token);
  }

  describe('LongPoll', () => {
    it('ends a session that is not polled once its buffer passes WS_MAX_BUFFERED_BYTES', async () => {
      const session = await joinedSession('unpolled', 'room:unpolled');
      const endpoint = t.app.get(RealtimeEndpoint);
      const news = () => endpoint.broadcast('room:unpolled', 'news', { blob: 'n'.repeat(8192) });

      // Seven pushes of 8 KiB: under the 64 KiB bound, the session lives.
      for (let i = 0; i < 7; i++) news();
      expect(await lp.post(session.query, [HEARTBEAT])).toEqual({ status: 200 });
      // The eighth passes it.
      news();
      await expectGone(session);
      await waitFor(
        () => logLines('slow consumer (longpoll) from 127.0.0.1').length === 1,
        3000,
        'the slow-consumer warning',
      );
    });

    it('takes a frame of exactly WS_MAX_FRAME_BYTES', async () => {
      const session = await joinedSession('fits', 'room:fits');
      const frame = echoFrame('room:fits', MAX_FRAME_BYTES);
      expect(Buffer.byteLength(frame)).toBe(MAX_FRAME_BYTES);
      expect(await lp.post(session.query, [frame])).toEqual({ status: 200 });
      const polled = await lp.get(session.query);
      expect(polled.messages).toHaveLength(1);
      expect(JSON.parse(polled.messages![0])).toEqual([
        '1',
        '2',
        'room:fits',
        'phx_reply',
        { status: 'ok', response: { echo: { blob: expect.any(String) } } },
      ]);
    });

    it('ends the session on a text frame over WS_MAX_FRAME_BYTES (410), as a WebSocket closes with 1009', async () => {
      const session = await joinedSession('bigtext', 'room:bigtext');
      const frame = echoFrame('room:bigtext', MAX_FRAME_BYTES + 1);
      expect(await lp.post(session.query, [HEARTBEAT, frame, HEARTBEAT])).toEqual({
        status: 410,
      });
      await expectGone(session);
    });

    it('ends the session on a binary frame over WS_MAX_FRAME_BYTES (410)', async () => {
      const session = await joinedSession('bigbin', 'room:bigbin');
      const header = binaryPush('1', '3', 'room:bigbin', 'upload', []).length;
      const frame = binaryPush(
        '1',
        '3',
        'room:bigbin',
        'upload',
        Buffer.alloc(MAX_FRAME_BYTES - header + 1),
      );
      expect(frame.length).toBe(MAX_FRAME_BYTES + 1);
      expect(await lp.post(session.query, [frame.toString('base64')])).toEqual({ status: 410 });
      await expectGone(session);
    });

    it('refuses a POST body over 8 × WS_MAX_FRAME_BYTES with HTTP 413; the session lives on', async () => {
      const session = await joinedSession('bigbody', 'room:bigbody');
      const frame = echoFrame('room:bigbody', MAX_FRAME_BYTES - 1);
      const body = Array.from({ length: 8 }, () => frame)
        .join('\n')
        .padEnd(8 * MAX_FRAME_BYTES + 1, '\n');
      expect(Buffer.byteLength(body)).toBe(8 * MAX_FRAME_BYTES + 1);
      expect((await lp.postRaw(session.query, body)).status).toBe(413);
      expect(await lp.post(session.query, [HEARTBEAT])).toEqual({ status: 200 });
    });
  });

  describe('logging', () => {
    it('writes at most two warnings for 50 malformed frames, and counts them all', async () => {
      const sockets = await Promise.all(
        Array.from({ length: 50 }, () => RawSocket.connect(t.socketUrl)),
      );
      for (const socket of sockets) socket.send('[null,"1","phoenix",');
      for (const socket of sockets) expect((await socket.closed()).code).toBe(1003);

      /** Each line stands for itself and the suppressed ones it counts. */
      const accounted = () =>
        logLines('malformed frame from 127.0.0.1').reduce(
          (sum, msg) =>
            sum + 1 + Number(/\(\+(\d+) similar lines not logged\)/.exec(msg)?.[1] ?? 0),
          0,
        );
      await waitFor(() => accounted() === 50, 5000, 'all 50 malformed frames accounted for');
      expect(logLines('malformed frame').length).toBeLessThanOrEqual(2);
    });

    it('logs refused WebSocket upgrades and LongPoll connects with reason and peer, never the token', async () => {
      const secret = 'sekrit-4711';
      const status = await RawSocket.refusedStatus(t.socketUrl, {
        query: { refuse: '403', token: secret },
        protocols: ['phoenix', `base64url.bearer.phx.${Buffer.from(secret).toString('base64url')}`],
      });
      expect(status).toBe(403);
      expect(
        await lp.get(`refuse=429&token=${secret}&vsn=2.0.0`, { 'x-phoenix-authtoken': secret }),
      ).toEqual({ status: 403 });

      const refusals = await waitFor(
        () => {
          const lines = logLines('refused ');
          return lines.length === 2 ? lines : undefined;
        },
        3000,
        'two refusal lines',
      );
      expect(refusals).toEqual([
        'refused websocket connection from 127.0.0.1: 403 refused by authenticator',
        'refused longpoll connection from 127.0.0.1: 429 refused by authenticator',
      ]);
      for (const line of t.logs.filter((l) => String(l.msg).startsWith('refused ')))
        expect(JSON.stringify(line)).not.toContain(secret);
    });
  });
});
