// Close code 1011 (internal error, docs/realtime.md "Limits and close codes"). The server uses it
// in one place: a WebSocket that reaches the gateway without the handshake the upgrade attached to
// its request (the adapter runs the authenticators, then hands the request on). No client can
// cause that, so the fault is injected into the running server: an upgrade listener that runs
// first makes the request drop whatever is attached to it, as a lost handshake would.
import type { IncomingMessage } from 'node:http';
import { HANDSHAKE } from '../../src/realtime/transport/phoenix-ws.adapter.js';
import { RawSocket } from '../support/raw-socket.js';
import { startTestApp, type TestApp } from '../support/test-app.js';
import { TestChannelsModule } from '../support/test-channels.js';

describe('close code 1011 (internal error)', () => {
  let t: TestApp;

  beforeAll(async () => {
    t = await startTestApp({}, { imports: [TestChannelsModule] });
  });
  afterAll(() => t.close());

  it('closes a socket whose handshake was lost with 1011; other sockets are unaffected', async () => {
    const bystander = await RawSocket.connect(t.socketUrl, { query: { user: 'bystander' } });
    const server = t.app.getHttpServer();
    const loseHandshake = (req: IncomingMessage) => {
      if (!req.url?.includes('lose=handshake')) return;
      Object.defineProperty(req, HANDSHAKE, {
        configurable: true,
        get: () => undefined,
        set: () => undefined,
      });
    };
    server.prependListener('upgrade', loseHandshake);
    try {
      const lost = await RawSocket.connect(t.socketUrl, { query: { lose: 'handshake' } });
      expect(await lost.closed()).toEqual({ code: 1011, reason: 'no handshake' });
    } finally {
      server.off('upgrade', loseHandshake);
    }

    // The server lives on: the other socket still answers, and new sockets work.
    await bystander.heartbeat();
    const next = await RawSocket.connect(t.socketUrl);
    await next.heartbeat();
    await Promise.all([bystander.close(), next.close()]);
  });
});
