import request from 'supertest';
import { JSON_API } from './support/json-api-errors.js';
import { startTestApp, type TestApp } from './support/test-app.js';

const API_TOKEN = 'proxy-links-api-token-0123456789';
const ADMIN_TOKEN = 'proxy-links-admin-token-0123456789';
const USERS = '/api/json/accounts/users';
const CLIENT = {
  Accept: JSON_API,
  'Content-Type': JSON_API,
  Authorization: `Bearer ${API_TOKEN}`,
};
/** What a TLS-terminating proxy in front of the server adds. */
const FORWARDED = { 'X-Forwarded-Proto': 'https', 'X-Forwarded-Host': 'rally.example:8443' };
const PROXIED_ORIGIN = 'https://rally.example:8443';

/** The links and Location of a create and of an index page, for one request's headers. */
async function linksSeen(t: TestApp, headers: Record<string, string>) {
  const created = await request(t.url)
    .post(`${USERS}?fields[user]=nickname`)
    .set({ ...CLIENT, ...headers })
    .send({ data: { type: 'user', attributes: { nickname: 'Proxied' } } })
    .expect(201);
  const { id, links } = (created.body as { data: { id: string; links: { self: string } } }).data;
  const index = await request(t.url)
    .get(`${USERS}?page[limit]=1`)
    .set({ ...CLIENT, Authorization: `Bearer ${ADMIN_TOKEN}`, ...headers })
    .expect(200);
  return {
    id,
    location: created.headers.location,
    resource: links.self,
    self: (created.body as { links: { self: string } }).links.self,
    first: (index.body as { links: { first: string } }).links.first,
  };
}

/** What linksSeen should find when the server believes `origin`. */
const linksAt = (origin: string, id: string) => ({
  id,
  location: `${origin}${USERS}/${id}`,
  resource: `${origin}${USERS}/${id}`,
  self: `${origin}${USERS}?fields[user]=nickname`,
  first: `${origin}${USERS}?page[limit]=1&page[offset]=0`,
});

describe.each([
  ['unset', {}],
  ['a proxy address the client is not', { TRUST_PROXY: '10.0.0.1' }],
])('stamp-rally links with TRUST_PROXY %s', (_name, env: Record<string, string>) => {
  let t: TestApp;

  beforeAll(async () => {
    t = await startTestApp({
      HOLOQUEST_API_TOKEN: API_TOKEN,
      ADMIN_API_TOKEN: ADMIN_TOKEN,
      ...env,
    });
  });
  afterAll(() => t.close());

  it('ignores X-Forwarded-Proto and X-Forwarded-Host', async () => {
    const seen = await linksSeen(t, FORWARDED);
    expect(seen).toEqual(linksAt(t.url, seen.id));
  });
});

describe.each(['loopback', 'true'])('stamp-rally links with TRUST_PROXY=%s', (trustProxy) => {
  let t: TestApp;

  beforeAll(async () => {
    t = await startTestApp({
      HOLOQUEST_API_TOKEN: API_TOKEN,
      ADMIN_API_TOKEN: ADMIN_TOKEN,
      TRUST_PROXY: trustProxy,
    });
  });
  afterAll(() => t.close());

  it('follows the trusted proxy: https://<forwarded host>/… in links and Location', async () => {
    const seen = await linksSeen(t, FORWARDED);
    expect(seen).toEqual(linksAt(PROXIED_ORIGIN, seen.id));
  });

  it('keeps the connection protocol and Host header when the proxy sends no X-Forwarded-*', async () => {
    const seen = await linksSeen(t, {});
    expect(seen).toEqual(linksAt(t.url, seen.id));
  });
});
