import { Controller, Get, Module, Req } from '@nestjs/common';
import type { Request } from 'express';
import request from 'supertest';
import { startTestApp, type TestApp } from './support/test-app.js';

/** What the application believes about the client and the URL it used. */
@Controller('test/origin')
class OriginController {
  @Get()
  origin(@Req() req: Request) {
    return { protocol: req.protocol, host: req.host, ip: req.ip };
  }
}

@Module({ controllers: [OriginController] })
class OriginModule {}

const FORWARDED = {
  'X-Forwarded-Proto': 'https',
  'X-Forwarded-Host': 'chat.example',
  'X-Forwarded-For': '203.0.113.7',
};

/** The remoteAddress logged for the request with this id. */
function loggedAddress(t: TestApp, requestId: string): unknown {
  const line = t.logs.find((l) => l.msg === 'request completed' && l.requestId === requestId);
  return (line?.req as { remoteAddress?: unknown } | undefined)?.remoteAddress;
}

describe.each([
  ['unset', {}, false],
  ['loopback', { TRUST_PROXY: 'loopback' }, true],
  ['192.0.2.1 (not the proxy in front)', { TRUST_PROXY: '192.0.2.1' }, false],
])('TRUST_PROXY %s', (_name, env: Record<string, string>, trusted) => {
  let t: TestApp;

  beforeAll(async () => {
    t = await startTestApp({ ...env, AUTH_RATE_LIMIT: '1' }, { imports: [OriginModule] });
  });
  afterAll(() => t?.close());

  it(`${trusted ? 'follows' : 'ignores'} X-Forwarded-Proto, -Host and -For`, async () => {
    const res = await request(t.url).get('/test/origin').set(FORWARDED).expect(200);
    expect(res.body).toEqual(
      trusted
        ? { protocol: 'https', host: 'chat.example', ip: '203.0.113.7' }
        : { protocol: 'http', host: `127.0.0.1:${t.port}`, ip: '127.0.0.1' },
    );
    expect(loggedAddress(t, res.headers['x-request-id'])).toBe(res.body.ip);
  });

  it('keys the per-IP rate limit on that client address', async () => {
    const login = (client: string, email: string) =>
      request(t.url)
        .post('/auth/login')
        .set('X-Forwarded-For', client)
        .send({ email, password: 'Correct-horse-9!' });
    await login('203.0.113.7', 'first@example.com').expect(401);
    const other = await login('203.0.113.8', 'second@example.com');
    expect(other.status).toBe(trusted ? 401 : 429);
  });
});
