import { Socket } from 'phoenix';
import WebSocket from 'ws';
import { startTestApp, type TestApp } from '../support/test-app.js';
import { TestChannelsModule } from '../support/test-channels.js';

describe('realtime smoke', () => {
  let t: TestApp;
  beforeAll(async () => {
    t = await startTestApp({}, { imports: [TestChannelsModule] });
  });
  afterAll(() => t.close());

  it('joins and echoes with the official client', async () => {
    const socket = new Socket(t.socketUrl, { transport: WebSocket, params: { user: 'ann' } });
    socket.connect();
    const ch = socket.channel('room:1', {});
    const joined = await new Promise((resolve, reject) =>
      ch.join().receive('ok', resolve).receive('error', reject),
    );
    expect(joined).toEqual({ joined: 'room:1', user: 'ann' });
    const echoed = await new Promise((resolve) => ch.push('echo', { n: 1 }).receive('ok', resolve));
    expect(echoed).toEqual({ echo: { n: 1 } });
    await new Promise<void>((resolve) => socket.disconnect(() => resolve()));
  });
});
