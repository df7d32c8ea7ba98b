// A bounded fuzz of the whole server (issue #11), with a fixed seed so that a failure replays:
// hostile channel frames on every chat and rally topic, malformed frames, and bad HTTP requests
// on every route. No 5xx, no phx_error, a reply to every event that expects one, a live server.
import { randomUUID } from 'node:crypto';
import WebSocket from 'ws';
import { PlayersService } from '../src/rally/players.service.js';
import { registerUser, type RegisteredUser } from './support/chat-users.js';
import { Fuzz } from './support/fuzz.js';
import { connect, disconnectAll, join, push } from './support/phoenix-client.js';
import { binaryPush } from './support/raw-socket.js';
import { startTestApp, type TestApp } from './support/test-app.js';

const SEED = 20261207;
const CHANNEL_FRAMES = 1900;
const MALFORMED_FRAMES = 150;
const HTTP_REQUESTS = 1100;
/** Frames in flight per socket before waiting for their replies. */
const WINDOW = 40;

type Frame = [string | null, string | null, string, string, unknown];

/** A raw V2 socket that records every frame and knows which refs are still unanswered. */
class FuzzSocket {
  readonly frames: Frame[] = [];
  readonly pending = new Set<string>();
  closed: number | undefined;
  private nextRef = 0;

  private constructor(private readonly ws: WebSocket) {
    ws.on('message', (data: Buffer, isBinary: boolean) => {
      if (isBinary) return; // binary replies carry their ref in a header; none expected here
      const frame = JSON.parse(data.toString('utf8')) as Frame;
      this.frames.push(frame);
      if (frame[3] === 'phx_reply' && frame[1] !== null) this.pending.delete(frame[1]);
    });
    ws.on('close', (code: number) => (this.closed = code));
    ws.on('error', () => undefined);
  }

  static open(url: string): Promise<FuzzSocket> {
    const ws = new WebSocket(url);
    return new Promise((resolve, reject) => {
      ws.once('open', () => resolve(new FuzzSocket(ws)));
      ws.once('error', reject);
    });
  }

  ref(): string {
    return String(++this.nextRef);
  }

  /** Sends a frame whose ref expects a reply; a join's join_ref is its ref. */
  send(joinRef: string | null, topic: string, event: string, payload: unknown): string {
    const ref = this.ref();
    this.pending.add(ref);
    const frameJoinRef = event === 'phx_join' ? ref : joinRef;
    this.ws.send(JSON.stringify([frameJoinRef, ref, topic, event, payload]));
    return ref;
  }

  sendBinary(joinRef: string, topic: string, event: string, bytes: Buffer): void {
    const ref = this.ref();
    this.pending.add(ref);
    this.ws.send(binaryPush(joinRef, ref, topic, event, bytes));
  }

  async join(topic: string, payload: unknown): Promise<string> {
    const ref = this.send(null, topic, 'phx_join', payload);
    await this.settled();
    const reply = this.frames.find((f) => f[1] === ref && f[3] === 'phx_reply');
    if ((reply?.[4] as { status?: string } | undefined)?.status !== 'ok')
      throw new Error(`join ${topic} refused: ${JSON.stringify(reply)}`);
    return ref;
  }

  /** Waits (bounded) until every ref sent has its reply. */
  async settled(timeoutMs = 15_000): Promise<void> {
    const deadline = Date.now() + timeoutMs;
    while (this.pending.size > 0 && this.closed === undefined && Date.now() < deadline)
      await new Promise((resolve) => setTimeout(resolve, 5));
  }

  close(): void {
    this.ws.terminate();
  }
}

interface Target {
  socket: FuzzSocket;
  topic: string;
  joinRef: string;
  /** Event → a valid payload to mutate. */
  events: Record<string, Record<string, unknown>>;
}

describe('fuzz (fixed seed)', () => {
  let t: TestApp;
  let ann: RegisteredUser;
  let bob: RegisteredUser;
  let playerId: string;
  const fuzz = new Fuzz(SEED);

  beforeAll(async () => {
    t = await startTestApp({ RALLY_RATE_LIMIT: '1000' });
    [ann, bob] = await Promise.all([registerUser(t.url), registerUser(t.url)]);
    playerId = (await t.app.get(PlayersService).create({ nickname: 'Fuzzy' })).id;
  });
  afterAll(async () => {
    await disconnectAll();
    await t.close();
  });

  const wsUrl = (query: string) => `${t.socketUrl.replace(/^http/, 'ws')}/websocket?${query}`;

  async function chatTargets(): Promise<Target[]> {
    const socket = await FuzzSocket.open(wsUrl(`token=${ann.authToken}&vsn=2.0.0`));
    const token = { token: ann.authToken };
    const systemRef = await socket.join('system:general', token);
    const started = socket.send(systemRef, 'system:general', 'start_conversation', {
      ...token,
      private: false,
      user_ids: [bob.id],
      message: 'fuzz',
    });
    await socket.settled();
    const reply = socket.frames.find((f) => f[1] === started)?.[4] as { response: string };
    const conversation = `conversation:${reply.response}`;
    const user = `user:${ann.id}`;
    const message = { ...token, message_id: randomUUID(), content: 'x' };
    return [
      {
        socket,
        topic: 'system:general',
        joinRef: systemRef,
        events: {
          set_hidden: { ...token, hidden: false },
          set_display_name: { ...token, display_name: 'Fuzzer' },
          start_conversation: { ...token, private: false, user_ids: [bob.id], message: 'hi' },
          nonsense: token,
        },
      },
      { socket, topic: user, joinRef: await socket.join(user, token), events: { x: token } },
      {
        socket,
        topic: conversation,
        joinRef: await socket.join(conversation, token),
        events: {
          send_message: { ...token, content: 'hello' },
          edit_message: message,
          delete_message: message,
          start_typing: token,
          finish_typing: token,
          read_conversation: token,
          change_alias: { ...token, alias: 'A' },
          modify_conversation: { ...token, new_members: [], alias: 'B' },
          nonsense: token,
        },
      },
    ];
  }

  async function rallyTargets(): Promise<Target[]> {
    const socket = await FuzzSocket.open(wsUrl(`userToken=${playerId}&vsn=2.0.0`));
    const events = {
      collected: { nickname: 'Fuzzy' },
      'rally-completed': { nickname: 'Fuzzy' },
      shout: { text: 'hey' },
      ping: { n: 1 },
      pong: {},
      message: {},
    };
    return [
      { socket, topic: 'notifications', joinRef: await socket.join('notifications', {}), events },
      {
        socket,
        topic: 'notifications:scans',
        joinRef: await socket.join('notifications:scans', {}),
        events,
      },
    ];
  }

  it('survives hostile channel frames: a reply to every event, no phx_error, no close', async () => {
    const targets = [...(await chatTargets()), ...(await rallyTargets())];
    const sockets = [...new Set(targets.map((target) => target.socket))];
    for (let sent = 0; sent < CHANNEL_FRAMES;) {
      for (let i = 0; i < WINDOW && sent < CHANNEL_FRAMES; i++, sent++) {
        const target = fuzz.pick(targets);
        const event = fuzz.pick(Object.keys(target.events));
        const roll = fuzz.int(20);
        if (roll === 0) {
          target.socket.sendBinary(target.joinRef, target.topic, event, Buffer.from([0, 1, 255]));
        } else if (roll === 1) {
          // A join of another topic, with hostile params.
          const topic = fuzz.pick([
            `conversation:${randomUUID()}`,
            `conversation:${fuzz.string().slice(0, 50)}`,
            `user:${bob.id}`,
            'system:other',
            'notifications:lobby',
            'nowhere',
          ]);
          target.socket.send(null, topic, 'phx_join', fuzz.payload({}));
        } else if (roll === 2) {
          target.socket.send(null, 'phoenix', 'heartbeat', fuzz.value());
        } else {
          const payload = fuzz.payload(target.events[event]);
          target.socket.send(target.joinRef, target.topic, event, payload);
        }
      }
      await Promise.all(sockets.map((socket) => socket.settled()));
    }
    for (const socket of sockets) {
      expect({ unanswered: [...socket.pending], closed: socket.closed }).toEqual({
        unanswered: [],
        closed: undefined,
      });
      expect(socket.frames.filter((f) => f[3] === 'phx_error')).toEqual([]);
      socket.close();
    }
  });

  it('closes sockets that send malformed frames with 1003, each on its own', async () => {
    const garbage: Array<() => string | Buffer> = [
      () => '{not json',
      () => JSON.stringify({ topic: 'x' }),
      () => JSON.stringify([null, '1', 'x']),
      () => JSON.stringify([null, '1', 7, 'ev', {}]),
      () => JSON.stringify([null, { ref: 1 }, 'room', 'ev', {}]),
      () => JSON.stringify([null, '1', 'x'.repeat(300), 'ev', {}]),
      () => JSON.stringify('just a string'),
      () => Buffer.from([9, 0, 0, 0, 0]),
      () => Buffer.from([0, 5, 5, 5, 5, 1]),
      () => Buffer.from([fuzz.int(256), fuzz.int(256)]),
    ];
    const codes: number[] = [];
    for (let i = 0; i < MALFORMED_FRAMES; i += 10) {
      const batch = Array.from({ length: 10 }, async () => {
        const socket = await FuzzSocket.open(wsUrl(`userToken=${playerId}&vsn=2.0.0`));
        const frame = fuzz.pick(garbage)();
        (socket as unknown as { ws: WebSocket }).ws.send(frame);
        const deadline = Date.now() + 5000;
        while (socket.closed === undefined && Date.now() < deadline)
          await new Promise((resolve) => setTimeout(resolve, 5));
        return socket.closed ?? -1;
      });
      codes.push(...(await Promise.all(batch)));
    }
    expect(new Set(codes)).toEqual(new Set([1003]));
  });

  it('answers bad HTTP requests on every route with 4xx, never 5xx', async () => {
    const id = randomUUID();
    const routes: Array<[string, string]> = [
      ['POST', '/auth/register'],
      ['POST', '/auth/login'],
      ['POST', '/auth/refresh'],
      ['POST', '/auth/confirm'],
      ['POST', '/auth/password/request'],
      ['POST', '/auth/password/confirm'],
      ['POST', '/auth/password/reset'],
      ['POST', '/api/token/email_confirm'],
      ['POST', '/api/token/email_change'],
      ['PATCH', '/api/password'],
      ['PATCH', '/api/email'],
      ['POST', '/api/signout'],
      ['PATCH', '/api/profile'],
      ['POST', '/api/recents'],
      ['GET', '/api/users'],
      ['GET', '/api/messages'],
      ['GET', '/api/json/accounts/users'],
      ['POST', '/api/json/accounts/users'],
      ['GET', `/api/json/accounts/users/${id}`],
      ['PATCH', `/api/json/accounts/users/${playerId}`],
      ['GET', '/api/json/leaderboard'],
      ['POST', '/api/json/notifications'],
      ['GET', '/api/json/nowhere'],
      ['POST', '/socket/longpoll'],
      ['GET', '/socket/longpoll'],
      ['PUT', '/auth/login'],
      ['DELETE', '/api/profile'],
    ];
    const queries = [
      '',
      '?search=%00',
      '?search=a%00b',
      '?page_size=-1&page_token=%00',
      '?conversation_id=%00',
      `?conversation_id=${id}&page_token=${'A'.repeat(500)}`,
      '?filter[nickname]=%00',
      '?filter[nickname]=%ED%A0%80',
      '?filter[stamps_collected][gt]=1e400',
      '?sort=-nickname,%00',
      '?page[size]=99999999999&page[number]=-3',
      '?limit=%00',
      '?token=%00&vsn=2.0.0',
    ];
    const bodies: Array<() => string> = [
      () => '{bad json',
      () => JSON.stringify(fuzz.deep(33 + fuzz.int(3000))),
      () => JSON.stringify(fuzz.object()),
      () => JSON.stringify(fuzz.value()),
      () =>
        JSON.stringify({
          email: fuzz.string(),
          password: fuzz.string(),
          display_name: fuzz.string(),
          current_password: fuzz.string(),
          token: fuzz.string(),
        }),
      () =>
        JSON.stringify({
          data: {
            type: 'user',
            id: fuzz.pick([playerId, fuzz.string()]),
            attributes: fuzz.object(),
          },
        }),
      () => JSON.stringify({ data: { type: 'user', attributes: { nickname: fuzz.string() } } }),
      () => JSON.stringify({ data: fuzz.deep(50) }),
    ];
    const authorizations = [
      undefined,
      `Bearer ${ann.authToken}`,
      'Bearer not.a.jwt',
      'Bearer \u0001',
      'Basic Zm9vOmJhcg==',
    ];
    const contentTypes = [
      'application/json',
      'application/vnd.api+json',
      'application/x-ndjson',
      'text/plain',
    ];
    const failures: string[] = [];
    for (let i = 0; i < HTTP_REQUESTS; i += 20) {
      await Promise.all(
        Array.from({ length: 20 }, async () => {
          const [method, path] = fuzz.pick(routes);
          const url = `${t.url}${path}${fuzz.pick(queries)}`;
          const headers: Record<string, string> = { 'content-type': fuzz.pick(contentTypes) };
          const authorization = fuzz.pick(authorizations);
          if (authorization !== undefined && /^[\t\x20-\x7e]*$/.test(authorization))
            headers.authorization = authorization;
          const body = method === 'GET' ? undefined : fuzz.pick(bodies)();
          const response = await fetch(url, { method, headers, body });
          await response.arrayBuffer();
          if (response.status >= 500)
            failures.push(`${response.status} ${method} ${url} ${body?.slice(0, 200)}`);
        }),
      );
    }
    expect(failures).toEqual([]);
  });

  it('is alive at the end: health, a join and a round trip', async () => {
    const health = await fetch(`${t.url}/health`);
    expect(health.status).toBe(200);
    const socket = await connect(t.socketUrl, { params: { userToken: playerId } });
    const channel = socket.channel('notifications', {});
    await join(channel);
    expect(await push(channel, 'ping', { alive: true })).toEqual({ alive: true });
  });
});
