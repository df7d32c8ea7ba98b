import { RawSocket } from '../support/raw-socket.js';
import { startTestApp, type TestApp } from '../support/test-app.js';
import { TestChannelsModule } from '../support/test-channels.js';
import { upgradeStatus as upgrade } from '../support/upgrade-status.js';

const upgradeStatus = (url: string, headers: Record<string, string> = {}) =>
  upgrade(url, { headers });

describe('WebSocket handshake', () => {
  let t: TestApp;

  beforeAll(async () => {
    t = await startTestApp(
      { WS_ALLOWED_ORIGINS: 'https://app.example.com, //*.partner.example' },
      { imports: [TestChannelsModule] },
    );
  });
  afterAll(() => t.close());

  const url = () => `${t.socketUrl}/websocket?user=ann&vsn=2.0.0`;

  it('applies the origin allowlist; a request without Origin passes', async () => {
    expect(await upgradeStatus(url(), { Origin: 'https://app.example.com' })).toBe(101);
    expect(await upgradeStatus(url(), { Origin: 'http://a.partner.example:8080' })).toBe(101);
    expect(await upgradeStatus(url(), { Origin: 'https://evil.example.com' })).toBe(403);
    expect(await upgradeStatus(url(), { Origin: 'http://app.example.com' })).toBe(403);
    expect(await upgradeStatus(url())).toBe(101);
  });

  it('refuses an unauthenticated connection with 403 and honours an authenticator status', async () => {
    expect(await upgradeStatus(`${t.socketUrl}/websocket?vsn=2.0.0`)).toBe(403);
    expect(await upgradeStatus(`${t.socketUrl}/websocket?refuse=429&vsn=2.0.0`)).toBe(429);
  });

  it('answers upgrades to other paths with 404', async () => {
    expect(await upgradeStatus(`ws://127.0.0.1:${t.port}/elsewhere?user=ann`)).toBe(404);
  });

  it('logs one warning with the peer address for a malformed frame, and no secret from the URL', async () => {
    const socket = await RawSocket.connect(t.socketUrl, {
      query: { user: 'ann', token: 'query-secret' },
    });
    socket.send('not json');
    expect((await socket.closed()).code).toBe(1003);
    const warnings = t.logs.filter((l) => String(l.msg).includes('malformed frame'));
    expect(warnings).toHaveLength(1);
    expect(warnings[0]).toMatchObject({ level: 40 });
    expect(String(warnings[0].msg)).toContain('127.0.0.1');
    expect(t.logText()).not.toContain('query-secret');
  });
});
