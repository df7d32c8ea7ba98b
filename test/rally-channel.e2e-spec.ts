import { NotificationsService } from '../src/rally/notifications.service.js';
import { PlayersService } from '../src/rally/players.service.js';
import {
  collect,
  connect,
  disconnectAll,
  join,
  nextEvent,
  presenceOf,
  push,
  pushReply,
  recordFrames,
  waitFor,
} from './support/phoenix-client.js';
import { expectNoneBeforeBarrier } from './support/absence.js';
import { WITH_PRESENCE } from './support/rally-players.js';
import { startTestApp, type TestApp } from './support/test-app.js';
import { upgradeStatus } from './support/upgrade-status.js';

describe('stamp rally: the notifications channel', () => {
  let t: TestApp;
  let players: PlayersService;

  beforeAll(async () => {
    t = await startTestApp({ RALLY_RATE_LIMIT: '3', RALLY_RATE_WINDOW_MS: '60000' });
    players = t.app.get(PlayersService);
  });
  afterEach(() => disconnectAll());
  afterAll(() => t.close());

  const player = (nickname: string | null = null) => players.create({ nickname });
  const socketOf = (userToken: string) => connect(t.socketUrl, { params: { userToken } });

  async function joined(userToken: string, topic = 'notifications:scans', params: object = {}) {
    const socket = await socketOf(userToken);
    const channel = socket.channel(topic, params);
    await join(channel);
    return { socket, channel };
  }

  it('refuses sockets whose userToken is unknown, malformed or missing (403)', async () => {
    const url = (query: string) => `${t.socketUrl}/websocket?${query}&vsn=2.0.0`;
    expect(await upgradeStatus(url('userToken=0b6f3a52-8c1e-4f7a-b2d4-6e9c1a3f5d70'))).toBe(403);
    expect(await upgradeStatus(url('userToken=not-a-uuid'))).toBe(403);
    expect(await upgradeStatus(url('userToken='))).toBe(403);
    expect(await upgradeStatus(url('other=1'))).toBe(403);
    const p = await player('Valid');
    expect(await upgradeStatus(url(`userToken=${p.id}`))).toBe(101);
  });

  it('accepts notifications and notifications:scans, and refuses other subtopics', async () => {
    const p = await player('Joiner');
    const socket = await socketOf(p.id);
    await join(socket.channel('notifications', {}));
    await join(socket.channel('notifications:scans', {}));
    const other = socket.channel('notifications:lobby', {});
    const refused = await new Promise((resolve) => other.join().receive('error', resolve));
    expect(refused).toEqual({ reason: 'unknown topic' });
    other.leave();
  });

  it('announces stamps and completed rallies with the stored nickname, to everyone', async () => {
    const ann = await player('Ann Stored');
    const bob = await player(null);
    const a = await joined(ann.id);
    const b = await joined(bob.id);
    const seenByA = nextEvent(a.channel, 'collected-broadcast');
    const seenByB = nextEvent(b.channel, 'collected-broadcast');
    expect(await push(a.channel, 'collected', { nickname: 'Someone Else' })).toEqual({});
    expect(await seenByA).toEqual({ nickname: 'Ann Stored' });
    expect(await seenByB).toEqual({ nickname: 'Ann Stored' });

    // Without a stored nickname, the payload's is used (trimmed, at most 20 characters).
    const completed = nextEvent(a.channel, 'rally-completed');
    await push(b.channel, 'rally-completed', { nickname: '  A very long nickname indeed  ' });
    expect(await completed).toEqual({ nickname: 'A very long nickname' });
  });

  it('answers ping with the payload, pong with {}, relays shouts unchanged up to 4 KiB', async () => {
    const p = await player('Shouter');
    const { channel } = await joined(p.id);
    expect(await push(channel, 'ping', { any: ['thing', 1] })).toEqual({ any: ['thing', 1] });
    expect(await push(channel, 'pong', { body: 'pong' })).toEqual({});
    const shout = nextEvent(channel, 'shout');
    await push(channel, 'shout', { text: 'hello', n: 1 });
    expect(await shout).toEqual({ text: 'hello', n: 1 });
    const big = await pushReply(channel, 'shout', { text: 'x'.repeat(5000) });
    expect(big).toEqual({ status: 'error', response: { reason: 'payload too large' } });
  });

  it('answers unknown events and bad payloads with errors, and keeps working', async () => {
    const p = await player('Robust');
    const { channel } = await joined(p.id);
    expect(await pushReply(channel, 'message', {})).toEqual({
      status: 'error',
      response: { reason: 'unknown event' },
    });
    expect(await pushReply(channel, 'collected', {})).toEqual({
      status: 'error',
      response: { reason: 'invalid payload', errors: { nickname: ["can't be blank"] } },
    });
    expect(await pushReply(channel, 'collected', 'nope' as never)).toEqual({
      status: 'error',
      response: { reason: 'invalid payload', errors: { payload: ['is invalid'] } },
    });
    expect(await pushReply(channel, 'ping', [1, 2] as never)).toEqual({
      status: 'error',
      response: { reason: 'invalid payload', errors: { payload: ['is invalid'] } },
    });
    expect(await push(channel, 'ping', { still: 'alive' })).toEqual({ still: 'alive' });
  });

  it('rate-limits collected, rally-completed and shout per socket', async () => {
    const p = await player('Spammer');
    const { channel } = await joined(p.id);
    await push(channel, 'collected', { nickname: 'x' });
    await push(channel, 'shout', { a: 1 });
    await push(channel, 'rally-completed', { nickname: 'x' });
    expect(await pushReply(channel, 'shout', { a: 2 })).toEqual({
      status: 'error',
      response: { reason: 'rate limited' },
    });
    expect(await push(channel, 'ping', {})).toEqual({});
    // another socket of the same player has its own budget
    const other = await joined(p.id);
    expect(await push(other.channel, 'shout', { a: 3 })).toEqual({});
  });

  it('delivers msg only to the sockets of the targeted player and counts them', async () => {
    const ann = await player('Target');
    const bob = await player('Bystander');
    const a1 = await joined(ann.id, 'notifications');
    const a2 = await joined(ann.id, 'notifications:scans');
    const b = await joined(bob.id);
    const bobMsgs = collect<{ user_id: string; message: string }>(b.channel, 'msg');
    const got1 = nextEvent(a1.channel, 'msg');
    const got2 = nextEvent(a2.channel, 'msg');

    const delivered = t.app.get(NotificationsService).notifyPlayer(ann.id, 'Testiiing');

    expect(delivered).toBe(2);
    expect(await got1).toEqual({ user_id: ann.id, message: 'Testiiing' });
    expect(await got2).toEqual({ user_id: ann.id, message: 'Testiiing' });
    // Barrier: a later notification for bob goes out on the same topics after ann's.
    expect(t.app.get(NotificationsService).notifyPlayer(bob.id, 'for bob')).toBe(1);
    await expectNoneBeforeBarrier(
      bobMsgs,
      (m) => m.user_id === ann.id,
      (m) => m.message === 'for bob',
      { what: "ann's notification at bob's socket" },
    );
    expect(bobMsgs).toEqual([{ user_id: bob.id, message: 'for bob' }]);
  });

  it('shows presence keyed by an opaque key, never a player id', async () => {
    const ann = await player('Present Ann');
    const bob = await player('Present Bob');
    const a = await socketOf(ann.id);
    const frames = recordFrames(a);
    const channel = a.channel('notifications', WITH_PRESENCE);
    const presence = presenceOf(channel);
    await join(channel);
    await presence.until((s) => Object.keys(s).length === 1);
    const b = await joined(bob.id, 'notifications', WITH_PRESENCE);
    const state = await presence.until((s) => Object.keys(s).length === 2);
    const metas = Object.values(state).flat();
    expect(metas.map((m) => m.nickname).sort()).toEqual(['Present Ann', 'Present Bob']);
    for (const m of metas)
      expect(m).toEqual({
        nickname: expect.any(String),
        online_at: expect.any(String),
        phx_ref: expect.any(String),
      });

    b.socket.disconnect();
    await presence.until((s) => Object.keys(s).length === 1);
    await waitFor(() => frames.some((f) => f.event === 'presence_diff'));
    const text = JSON.stringify(frames.filter((f) => f.event.startsWith('presence_')));
    expect(text).not.toContain(ann.id);
    expect(text).not.toContain(bob.id);
  });

  it('makes presence opt-in: a join without it is neither tracked nor told', async () => {
    const watcher = await player('Watcher');
    const quiet = await player('Quiet One');
    const late = await player('Late Joiner');
    const q = await socketOf(quiet.id);
    const quietFrames = recordFrames(q);
    const quietChannel = q.channel('notifications', {});
    await join(quietChannel);
    const w = await socketOf(watcher.id);
    const channel = w.channel('notifications', WITH_PRESENCE);
    const presence = presenceOf(channel);
    await join(channel);
    // The watcher sees only itself: the quiet player (joined first) is not tracked.
    const first = await presence.until((s) => Object.keys(s).length === 1);
    expect(
      Object.values(first)
        .flat()
        .map((m) => m.nickname),
    ).toEqual(['Watcher']);
    const l = await joined(late.id, 'notifications', WITH_PRESENCE);
    await presence.until((s) => Object.keys(s).length === 2);
    l.socket.disconnect();
    await presence.until((s) => Object.keys(s).length === 1);
    // Barrier: a shout after every presence change reaches the quiet player after them.
    await push(channel, 'shout', { barrier: true });
    await waitFor(() => quietFrames.some((f) => f.event === 'shout'));
    expect(quietFrames.filter((f) => f.event.startsWith('presence_'))).toEqual([]);
    expect(await push(quietChannel, 'ping', { still: 'here' })).toEqual({ still: 'here' });
  });

  it('refuses a join whose presence config is malformed, with invalid payload', async () => {
    const p = await player('Malformed');
    const socket = await socketOf(p.id);
    for (const params of [
      { config: 'presence' },
      { config: { presence: true } },
      { config: { presence: { enabled: 'yes' } } },
    ]) {
      const channel = socket.channel('notifications', params);
      const reply = await new Promise<unknown>((resolve) =>
        channel
          .join()
          .receive('ok', () => resolve('ok'))
          .receive('error', resolve),
      );
      expect(reply).toMatchObject({ reason: 'invalid payload' });
      channel.leave();
    }
  });
});
