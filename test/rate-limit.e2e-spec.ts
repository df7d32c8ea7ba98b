import request from 'supertest';
import { PASSWORD, uniqueEmail } from './support/chat-users.js';
import { startTestApp, type TestApp } from './support/test-app.js';

describe('auth rate limits', () => {
  let t: TestApp;

  beforeAll(async () => {
    t = await startTestApp({ AUTH_RATE_LIMIT: '3', AUTH_RATE_WINDOW_MS: '60000' });
  });
  afterAll(() => t.close());

  it('answer 429 with Retry-After past the limit, per route', async () => {
    const email = uniqueEmail('limited');
    for (let i = 0; i < 3; i++) {
      await request(t.url).post('/auth/login').send({ email, password: PASSWORD }).expect(401);
    }
    const limited = await request(t.url)
      .post('/auth/login')
      .send({ email, password: PASSWORD })
      .expect(429);
    expect(limited.body).toEqual({ error: { message: 'Too many requests' } });
    expect(Number(limited.headers['retry-after'])).toBeGreaterThanOrEqual(1);
    expect(Number(limited.headers['retry-after'])).toBeLessThanOrEqual(60);

    // other routes count separately
    await request(t.url).post('/auth/password/request').send({ email }).expect(204);
    for (let i = 0; i < 3; i++)
      await request(t.url).post('/auth/refresh').send({ token: 'x' }).expect(400);
    await request(t.url).post('/auth/refresh').send({ token: 'x' }).expect(429);
  });
});
