import request from 'supertest';
import { startTestApp, type TestApp } from './support/test-app.js';

// A file of its own: log lines are checked on the first app a test file boots (nestjs-pino).
describe('GET /metrics in production without METRICS_TOKEN', () => {
  let t: TestApp;

  beforeAll(async () => {
    t = await startTestApp({
      NODE_ENV: 'production',
      HOLOQUEST_API_TOKEN: 'holoquest-api-token-0123456789',
      ADMIN_API_TOKEN: 'holoquest-admin-token-0123456789',
    });
  });

  afterAll(async () => {
    await t.close();
  });

  it('is off (404), with a warning at boot', async () => {
    await request(t.url).get('/metrics').expect(404);
    expect(t.logs).toContainEqual(
      expect.objectContaining({
        level: 40,
        msg: expect.stringContaining('METRICS_TOKEN is not set: GET /metrics is off') as unknown,
      }),
    );
  });
});
