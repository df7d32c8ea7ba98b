import request from 'supertest';
import {
  connect,
  disconnectAll,
  join,
  nextEvent,
  push,
  collect,
} from './support/phoenix-client.js';
import { expectNoneBeforeBarrier } from './support/absence.js';
import { startTestApp, type TestApp } from './support/test-app.js';

const API_TOKEN = 'holoquest-api-token-0123456789';
const ADMIN_TOKEN = 'holoquest-admin-token-0123456789';

/** Exactly what the HoloQuest client sends (spec §6). */
const CLIENT_HEADERS = {
  Accept: 'application/vnd.api+json',
  'Content-Type': 'application/vnd.api+json',
  Authorization: `Bearer ${API_TOKEN}`,
};

describe('the HoloQuest flow', () => {
  let t: TestApp;

  beforeAll(async () => {
    t = await startTestApp({ HOLOQUEST_API_TOKEN: API_TOKEN, ADMIN_API_TOKEN: ADMIN_TOKEN });
  });
  afterEach(() => disconnectAll());
  afterAll(() => t.close());

  /** The client builds its bodies by string interpolation. */
  async function register(nickname: string): Promise<string> {
    const res = await request(t.url)
      .post('/api/json/accounts/users/')
      .set(CLIENT_HEADERS)
      .send(`{"data":{"type":"user","attributes":{"nickname":"${nickname}"}}}`)
      .expect(201);
    return (res.body as { data: { id: string } }).data.id;
  }

  async function reportStamps(id: string, count: number): Promise<void> {
    await request(t.url)
      .patch(`/api/json/accounts/users/${id}`)
      .set(CLIENT_HEADERS)
      .send(`{"data":{"type":"user","attributes":{"stamps_collected":${count}}}}`)
      .expect(200);
  }

  it('registers, connects, announces a stamp to others, reports it, and ranks on the leaderboard', async () => {
    const annId = await register('Cruel_KFP');
    const bobId = await register('  Deadbeat  ');

    const annSocket = await connect(t.socketUrl, { params: { userToken: annId } });
    const bobSocket = await connect(t.socketUrl, { params: { userToken: bobId } });
    const ann = annSocket.channel('notifications:scans', {});
    const bob = bobSocket.channel('notifications:scans', {});
    await join(ann);
    await join(bob);

    const seenByBob = nextEvent(bob, 'collected-broadcast');
    await push(ann, 'collected', { nickname: 'Cruel_KFP' });
    expect(await seenByBob).toEqual({ nickname: 'Cruel_KFP' });
    await reportStamps(annId, 1);

    await push(bob, 'collected', { nickname: 'spoofed name' });
    await reportStamps(bobId, 3);

    const board = await request(t.url).get('/api/json/leaderboard').set(CLIENT_HEADERS).expect(200);
    const entries = (board.body as { data: Array<{ nickname: string; stamps_collected: number }> })
      .data;
    const ours = entries.filter((e) => ['Cruel_KFP', 'Deadbeat'].includes(e.nickname));
    expect(ours).toEqual([
      { nickname: 'Deadbeat', stamps_collected: 3 },
      { nickname: 'Cruel_KFP', stamps_collected: 1 },
    ]);
    expect(JSON.stringify(board.body)).not.toContain(annId);
  });

  it('delivers an admin notification only to the targeted player and counts the sockets reached', async () => {
    const target = await register('Target');
    const other = await register('Other');
    const first = await connect(t.socketUrl, { params: { userToken: target } });
    const second = await connect(t.socketUrl, { params: { userToken: target } });
    const bystander = await connect(t.socketUrl, { params: { userToken: other } });
    const channels = [first, second, bystander].map((s) => s.channel('notifications', {}));
    for (const channel of channels) await join(channel);
    const bystanderMsgs = collect<{ user_id: string; message: string }>(channels[2], 'msg');
    const received = channels.slice(0, 2).map((c) => nextEvent(c, 'msg'));

    const res = await request(t.url)
      .post('/api/json/notifications')
      .set({ ...CLIENT_HEADERS, Authorization: `Bearer ${ADMIN_TOKEN}` })
      .send({ user_id: target, message: 'Testiiing' })
      .expect(202);
    expect(res.body).toEqual({ delivered: 2 });
    for (const payload of await Promise.all(received))
      expect(payload).toEqual({ user_id: target, message: 'Testiiing' });
    // Barrier: a later notification for the bystander is delivered after the first would be.
    const barrier = await request(t.url)
      .post('/api/json/notifications')
      .set({ ...CLIENT_HEADERS, Authorization: `Bearer ${ADMIN_TOKEN}` })
      .send({ user_id: other, message: 'for you' })
      .expect(202);
    expect(barrier.body).toEqual({ delivered: 1 });
    await expectNoneBeforeBarrier(
      bystanderMsgs,
      (m) => m.user_id === target,
      (m) => m.message === 'for you',
      { what: "the target's notification at the bystander" },
    );
    expect(bystanderMsgs).toEqual([{ user_id: other, message: 'for you' }]);

    await request(t.url)
      .post('/api/json/notifications')
      .set(CLIENT_HEADERS)
      .send({ user_id: target, message: 'not with the API token' })
      .expect(403);
  });
});
