import request from 'supertest';
import { startTestApp, type TestApp } from './support/test-app.js';

describe('HTTP foundation', () => {
  let t: TestApp;

  beforeAll(async () => {
    t = await startTestApp();
  });
  afterAll(() => t.close());

  it('GET /health answers 200 (liveness)', async () => {
    const res = await request(t.url).get('/health').expect(200);
    expect(res.body).toMatchObject({ status: 'ok' });
  });

  it('GET /health/ready answers 200 when the database answers', async () => {
    const res = await request(t.url).get('/health/ready').expect(200);
    expect(res.body).toMatchObject({ status: 'ok', info: { database: { status: 'up' } } });
  });

  it('unknown routes answer 404 JSON', async () => {
    const res = await request(t.url).get('/no/such/route').expect(404);
    expect(res.headers['content-type']).toMatch(/application\/json/);
    expect(res.body).toEqual({ errors: { detail: 'Not Found' } });
  });

  it('malformed JSON bodies answer 400 JSON without a stack trace', async () => {
    const res = await request(t.url)
      .post('/health')
      .set('Content-Type', 'application/json')
      .send('{"unterminated": ')
      .expect(400);
    expect(res.body).toEqual({ errors: { detail: 'Malformed JSON in request body' } });
    expect(res.text).not.toMatch(/\bat .+:\d+:\d+/);
  });

  it('oversized bodies answer 413 JSON', async () => {
    const res = await request(t.url)
      .post('/health')
      .set('Content-Type', 'application/json')
      .send(JSON.stringify({ big: 'x'.repeat(200_000) }))
      .expect(413);
    expect(res.body).toEqual({ errors: { detail: 'Request body too large' } });
  });

  it('serves the OpenAPI document and UI', async () => {
    const doc = await request(t.url).get('/docs/openapi.json').expect(200);
    expect(doc.body.openapi).toMatch(/^3\./);
    expect(Object.keys(doc.body.paths)).toEqual(
      expect.arrayContaining(['/health', '/health/ready']),
    );
    const ui = await request(t.url).get('/docs').redirects(1).expect(200);
    expect(ui.text).toContain('swagger-ui');
  });

  it('gives every request an id, echoed as X-Request-Id and on its log line', async () => {
    const res = await request(t.url)
      .get('/health')
      .set('X-Request-Id', 'trace-abc-123')
      .expect(200);
    expect(res.headers['x-request-id']).toBe('trace-abc-123');
    const generated = await request(t.url).get('/health').expect(200);
    expect(generated.headers['x-request-id']).toMatch(/^[0-9a-f-]{36}$/);
    const lines = t.logs.filter((l) => l.msg === 'request completed');
    expect(lines.length).toBeGreaterThanOrEqual(2);
    for (const line of lines) expect(typeof line.requestId).toBe('string');
    expect(lines.some((l) => l.requestId === 'trace-abc-123')).toBe(true);
  });

  it('redacts Authorization, cookies and secret query parameters in logs', async () => {
    await request(t.url)
      .get('/health?token=query-secret-value&x=1')
      .set('Authorization', 'Bearer header-secret-value')
      .set('Cookie', '__auth=cookie-secret-value')
      .expect(200);
    const text = t.logText();
    expect(text).toContain('token=[Redacted]');
    for (const secret of ['query-secret-value', 'header-secret-value', 'cookie-secret-value']) {
      expect(text).not.toContain(secret);
    }
  });
});
