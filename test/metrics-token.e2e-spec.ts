import request from 'supertest';
import { scrape } from './support/metrics.js';
import { startTestApp, type TestApp } from './support/test-app.js';

const METRICS_TOKEN = 'metrics-token-0123456789abcdef';

describe('GET /metrics with METRICS_TOKEN', () => {
  let t: TestApp;

  beforeAll(async () => {
    t = await startTestApp({ METRICS_TOKEN });
  });

  afterAll(async () => {
    await t.close();
  });

  it('requires Authorization: Bearer <METRICS_TOKEN>', async () => {
    for (const authorization of [
      undefined,
      'Bearer wrong-token-0123456789abcdef',
      `Bearer ${METRICS_TOKEN}x`,
      `Basic ${METRICS_TOKEN}`,
    ]) {
      const req = request(t.url).get('/metrics');
      if (authorization !== undefined) void req.set('authorization', authorization);
      const res = await req.expect(401);
      expect(res.headers['www-authenticate']).toBe('Bearer');
      expect(res.body).toEqual({ errors: { detail: 'Unauthorized' } });
    }
    const text = await scrape(t.url, METRICS_TOKEN);
    expect(text).toContain('# TYPE nestling_connections gauge');
    expect(t.logText()).not.toContain(METRICS_TOKEN);
  });

  it('is left out of the OpenAPI document', async () => {
    const res = await request(t.url).get('/docs/openapi.json').expect(200);
    expect(Object.keys((res.body as { paths: object }).paths)).not.toContain('/metrics');
  });
});
