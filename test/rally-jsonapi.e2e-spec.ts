import { randomUUID } from 'node:crypto';
import request from 'supertest';
import { JSON_API, type JsonApiErrorObject, jsonApiErrors } from './support/json-api-errors.js';
import { startTestApp, type TestApp } from './support/test-app.js';

const API_TOKEN = 'rally-api-token-0123456789abcdef';
const ADMIN_TOKEN = 'rally-admin-token-0123456789abcdef';
const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;
const USERS = '/api/json/accounts/users';

/** What the HoloQuest client sends (spec §6). */
const CLIENT = {
  Accept: JSON_API,
  'Content-Type': JSON_API,
  Authorization: `Bearer ${API_TOKEN}`,
};
const ADMIN = { ...CLIENT, Authorization: `Bearer ${ADMIN_TOKEN}` };

/** The single error of a document, without its random id. */
function onlyError(res: request.Response): Omit<JsonApiErrorObject, 'id'> {
  const errors = jsonApiErrors(res);
  expect(errors).toHaveLength(1);
  return errors[0];
}

// The first app of the file: nestjs-pino's root logger belongs to it, so its logs hold the boot
// warning.
describe('stamp-rally JSON:API in development without tokens', () => {
  let dev: TestApp;

  beforeAll(async () => {
    dev = await startTestApp();
  });
  afterAll(() => dev.close());

  it('logs one warning at boot naming the unset variables', () => {
    const warnings = dev.logs.filter((line) => String(line.msg).includes('HOLOQUEST_API_TOKEN'));
    expect(warnings).toHaveLength(1);
    expect(warnings[0].level).toBe(40);
    expect(warnings[0].msg).toContain('ADMIN_API_TOKEN');
    expect(warnings[0].msg).toContain('any bearer token');
  });

  it('accepts any bearer, including on admin routes, but requires the header', async () => {
    const created = await request(dev.url)
      .post(`${USERS}/`)
      .set({ ...CLIENT, Authorization: 'Bearer anything-goes' })
      .send({ data: { type: 'user', attributes: { nickname: 'DevPlayer' } } })
      .expect(201);
    await request(dev.url)
      .get(USERS)
      .set({ ...CLIENT, Authorization: 'Bearer x' })
      .expect(200);
    const missing = await request(dev.url)
      .get(`${USERS}/${created.body.data.id}`)
      .set({ Accept: JSON_API })
      .expect(401);
    expect(onlyError(missing).code).toBe('unauthorized');
    await request(dev.url)
      .get(`${USERS}/${created.body.data.id}`)
      .set({ Authorization: 'Basic eDp5' })
      .expect(401);
    await request(dev.url).get('/api/json/leaderboard').set('Authorization', 'Bearer ').expect(401);
  });
});

describe('stamp-rally JSON:API: /api/json/accounts/users', () => {
  let t: TestApp;

  beforeAll(async () => {
    t = await startTestApp({ HOLOQUEST_API_TOKEN: API_TOKEN, ADMIN_API_TOKEN: ADMIN_TOKEN });
  });
  afterAll(() => t.close());

  const post = (body: unknown, headers: Record<string, string> = CLIENT) =>
    request(t.url)
      .post(USERS)
      .set(headers)
      .send(body as object);
  const patch = (id: string, body: unknown, headers: Record<string, string> = CLIENT) =>
    request(t.url)
      .patch(`${USERS}/${id}`)
      .set(headers)
      .send(body as object);
  const userDoc = (attributes: Record<string, unknown>) => ({ data: { type: 'user', attributes } });

  async function createPlayer(attributes: Record<string, unknown> = {}): Promise<string> {
    const res = await post(userDoc(attributes)).expect(201);
    return (res.body as { data: { id: string } }).data.id;
  }

  describe('create, read, update', () => {
    it('creates a player: 201, Location, the exact document', async () => {
      const res = await post(userDoc({ nickname: '  Cruel_KFP  ' })).expect(201);
      expect(res.headers['content-type']).toBe(JSON_API);
      const id = (res.body as { data: { id: string } }).data.id;
      expect(id).toMatch(UUID);
      const self = `${t.url}${USERS}/${id}`;
      expect(res.headers.location).toBe(self);
      expect(res.body).toEqual({
        data: {
          id,
          type: 'user',
          attributes: { nickname: 'Cruel_KFP', stamps_collected: 0 },
          links: { self },
        },
        jsonapi: { version: '1.1' },
        links: { self: `${t.url}${USERS}` },
      });
    });

    it('accepts the client request as it sends it: trailing slash, no attributes, empty nickname', async () => {
      const res = await request(t.url)
        .post(`${USERS}/`)
        .set(CLIENT)
        .send('{"data":{"type":"user","attributes":{"nickname":"   "}}}')
        .expect(201);
      expect(res.body.data.attributes).toEqual({ nickname: null, stamps_collected: 0 });
      expect(res.body.links.self).toBe(`${t.url}${USERS}/`);
      const bare = await post({ data: {} }).expect(201);
      expect(bare.body.data.attributes).toEqual({ nickname: null, stamps_collected: 0 });
      const typed = await post({ data: { attributes: { stamps_collected: 2 } } }).expect(201);
      expect(typed.body.data.attributes).toEqual({ nickname: null, stamps_collected: 2 });
    });

    it('reads a player with the API token (and with the admin token)', async () => {
      const id = await createPlayer({ nickname: 'Reader' });
      const res = await request(t.url).get(`${USERS}/${id}`).set(CLIENT).expect(200);
      expect(res.headers['content-type']).toBe(JSON_API);
      expect(res.body).toEqual({
        data: {
          id,
          type: 'user',
          attributes: { nickname: 'Reader', stamps_collected: 0 },
          links: { self: `${t.url}${USERS}/${id}` },
        },
        jsonapi: { version: '1.1' },
        links: { self: `${t.url}${USERS}/${id}` },
      });
      await request(t.url).get(`${USERS}/${id}/`).set(ADMIN).expect(200);
      const sparse = await request(t.url)
        .get(`${USERS}/${id}?fields[user]=stamps_collected`)
        .set(CLIENT)
        .expect(200);
      expect(sparse.body.data.attributes).toEqual({ stamps_collected: 0 });
    });

    it('updates only the attributes sent: 200 with the resource', async () => {
      const id = await createPlayer({ nickname: 'Updater' });
      const stamps = await patch(id, userDoc({ stamps_collected: 4 })).expect(200);
      expect(stamps.headers['content-type']).toBe(JSON_API);
      expect(stamps.body).toEqual({
        data: {
          id,
          type: 'user',
          attributes: { nickname: 'Updater', stamps_collected: 4 },
          links: { self: `${t.url}${USERS}/${id}` },
        },
        jsonapi: { version: '1.1' },
        links: { self: `${t.url}${USERS}/${id}` },
      });
      const both = await patch(id, {
        data: { type: 'user', id, attributes: { nickname: ' Renamed ', stamps_collected: '12' } },
      }).expect(200);
      expect(both.body.data.attributes).toEqual({ nickname: 'Renamed', stamps_collected: 12 });
      const cleared = await patch(id, userDoc({ nickname: '' })).expect(200);
      expect(cleared.body.data.attributes).toEqual({ nickname: null, stamps_collected: 12 });
      await patch(id.toUpperCase(), { data: { id: id.toUpperCase() } }).expect(200);
      const read = await request(t.url).get(`${USERS}/${id}`).set(CLIENT).expect(200);
      expect(read.body.data.attributes).toEqual({ nickname: null, stamps_collected: 12 });
    });

    it('accepts application/json and JSON:API ext/profile parameters as the content type', async () => {
      await post(userDoc({ nickname: 'PlainJson' }), {
        ...CLIENT,
        'Content-Type': 'application/json; charset=utf-8',
      }).expect(201);
      await post(userDoc({ nickname: 'Profiled' }), {
        ...CLIENT,
        'Content-Type': `${JSON_API}; profile="https://example.com/p"; ext="https://example.com/e"`,
        Accept: `text/html, ${JSON_API}; charset=utf-8, ${JSON_API}`,
      }).expect(201);
      const noHeaders = await request(t.url)
        .get(`${USERS}/${await createPlayer()}`)
        .set('Authorization', `Bearer ${API_TOKEN}`)
        .expect(200);
      expect(noHeaders.headers['content-type']).toBe(JSON_API);
    });
  });

  describe('400: validation with pointers', () => {
    const NICKNAME = '/data/attributes/nickname';
    const STAMPS = '/data/attributes/stamps_collected';

    it.each([
      ['too short', 'ab', 'Nickname must be between 3 and 20 characters long'],
      ['too long', 'x'.repeat(21), 'Nickname must be between 3 and 20 characters long'],
      ['profane', 'fuckface', 'Nickname contains profanity'],
      ['not a string', 42, 'Nickname must be a string'],
    ])('rejects a nickname that is %s, on create and update', async (_what, nickname, detail) => {
      const expected = {
        status: '400',
        code: 'invalid_attribute',
        title: 'Invalid attribute',
        detail,
        source: { pointer: NICKNAME },
      };
      expect(onlyError(await post(userDoc({ nickname })).expect(400))).toEqual(expected);
      const id = await createPlayer({ nickname: 'Valid' });
      expect(onlyError(await patch(id, userDoc({ nickname })).expect(400))).toEqual(expected);
    });

    it.each([[-1], [1.5], ['-3'], ['1e3'], [null], [true]])(
      'rejects stamps_collected %p',
      async (stamps) => {
        const error = onlyError(await post(userDoc({ stamps_collected: stamps })).expect(400));
        expect(error).toMatchObject({ code: 'invalid_attribute', source: { pointer: STAMPS } });
      },
    );

    it('accepts a string of digits for stamps_collected and casts it', async () => {
      const res = await post(userDoc({ stamps_collected: '0007' })).expect(201);
      expect(res.body.data.attributes.stamps_collected).toBe(7);
    });

    it('lists every problem of a document at once', async () => {
      const res = await post(userDoc({ nickname: 'ab', stamps_collected: -1, foo: 1 })).expect(400);
      expect(
        jsonApiErrors(res)
          .map((e) => [e.code, e.source?.pointer])
          .sort(),
      ).toEqual([
        ['InvalidBody', '/data/attributes/foo'],
        ['invalid_attribute', NICKNAME],
        ['invalid_attribute', STAMPS],
      ]);
    });

    it('rejects unknown attributes, members and top-level keys as InvalidBody', async () => {
      const cases: Array<[unknown, string]> = [
        [userDoc({ inserted_at: '2024-01-01' }), '/data/attributes/inserted_at'],
        [{ data: { type: 'user', meta: {} } }, '/data/meta'],
        [{ data: { type: 'user' }, meta: {} }, '/meta'],
        [{ data: { type: 'user' }, jsonapi: { version: '1.1' } }, '/jsonapi'],
        [{ data: { attributes: [] } }, '/data/attributes'],
        [{ data: { relationships: { friends: {} } } }, '/data/relationships/friends'],
        [{ data: { attributes: { 'a/b': 1 } } }, '/data/attributes/a~1b'],
      ];
      for (const [body, pointer] of cases) {
        const error = onlyError(await post(body).expect(400));
        expect(error).toMatchObject({
          status: '400',
          code: 'InvalidBody',
          title: 'Invalid Body',
          source: { pointer },
        });
      }
    });

    it('rejects a document without an object data, or not an object at all', async () => {
      for (const data of [[], 'user', null, 5]) {
        const error = onlyError(await post({ data }).expect(400));
        expect(error).toMatchObject({ code: 'InvalidBody', source: { pointer: '/data' } });
      }
      expect(onlyError(await post({}).expect(400))).toMatchObject({
        code: 'InvalidBody',
        source: { pointer: '/data' },
      });
      const array = await request(t.url).post(USERS).set(CLIENT).send('[1]').expect(400);
      expect(onlyError(array)).toMatchObject({ code: 'InvalidBody', source: { pointer: '' } });
      const none = await request(t.url)
        .post(USERS)
        .set({ Authorization: `Bearer ${API_TOKEN}` })
        .expect(400);
      expect(onlyError(none).code).toBe('InvalidBody');
    });

    it('answers malformed JSON with a JSON:API error document, not a stack trace', async () => {
      for (const contentType of [JSON_API, 'application/json']) {
        const res = await request(t.url)
          .post(`${USERS}/`)
          .set({ ...CLIENT, 'Content-Type': contentType })
          .send('{"data":{"type":"user","attributes":{"nickname":"say "hi""}}}')
          .expect(400);
        expect(onlyError(res)).toEqual({
          status: '400',
          code: 'InvalidBody',
          title: 'Invalid Body',
          detail: 'The request body is not valid JSON',
        });
        expect(res.headers['access-control-allow-origin']).toBe('*');
        expect(res.text).not.toContain('at ');
      }
    });
  });

  describe('401: the API bearer', () => {
    const id = randomUUID();

    it.each([
      ['no Authorization header', undefined],
      ['a wrong token', `Bearer ${API_TOKEN}x`],
      ['the Basic scheme', `Basic ${Buffer.from(`x:${API_TOKEN}`).toString('base64')}`],
      ['a lower-case scheme', `bearer ${API_TOKEN}`],
      ['two spaces', `Bearer  ${API_TOKEN}`],
      ['an empty token', 'Bearer '],
    ])('rejects %s', async (_what, authorization) => {
      const headers: Record<string, string> = { Accept: JSON_API };
      if (authorization !== undefined) headers.Authorization = authorization;
      for (const req of [
        request(t.url).get(`${USERS}/${id}`).set(headers),
        request(t.url).post(USERS).set(headers).send(userDoc({})),
        request(t.url).patch(`${USERS}/${id}`).set(headers).send(userDoc({})),
        request(t.url).get(USERS).set(headers),
        request(t.url).get('/api/json/accounts/nope').set(headers),
      ]) {
        const res = await req.expect(401);
        expect(onlyError(res)).toEqual({
          status: '401',
          code: 'unauthorized',
          title: 'Unauthorized',
          detail: 'A valid bearer token is required: Authorization: Bearer <token>',
        });
        expect(res.headers['www-authenticate']).toBe('Bearer');
      }
    });

    it('rejects several Authorization headers', async () => {
      await request(t.url)
        .get(`${USERS}/${id}`)
        .set('Authorization', `Bearer ${API_TOKEN}`)
        .expect(404);
      await request(t.url)
        .get(`${USERS}/${id}`)
        .set('Authorization', [`Bearer ${API_TOKEN}`, `Bearer ${API_TOKEN}`] as unknown as string)
        .expect(401);
    });
  });

  describe('403', () => {
    it('refuses a client-generated id on create', async () => {
      const res = await post({ data: { type: 'user', id: randomUUID(), attributes: {} } }).expect(
        403,
      );
      expect(onlyError(res)).toEqual({
        status: '403',
        code: 'forbidden',
        title: 'Forbidden',
        detail: 'Client-generated ids are not supported',
        source: { pointer: '/data/id' },
      });
    });

    it('refuses the index to the API token', async () => {
      const res = await request(t.url).get(USERS).set(CLIENT).expect(403);
      expect(onlyError(res)).toMatchObject({ status: '403', code: 'forbidden' });
    });
  });

  describe('404', () => {
    it('answers unknown and malformed ids', async () => {
      const unknown = randomUUID();
      for (const res of [
        await request(t.url).get(`${USERS}/${unknown}`).set(CLIENT).expect(404),
        await patch(unknown, userDoc({ stamps_collected: 1 })).expect(404),
      ]) {
        expect(onlyError(res)).toEqual({
          status: '404',
          code: 'not_found',
          title: 'Entity Not Found',
          detail: `No user record found with \`id: ${unknown}\``,
        });
      }
      for (const bad of ['nope', '123', `${unknown}x`]) {
        expect(
          onlyError(await request(t.url).get(`${USERS}/${bad}`).set(CLIENT).expect(404)).code,
        ).toBe('not_found');
        expect(onlyError(await patch(bad, userDoc({})).expect(404)).code).toBe('not_found');
      }
    });

    it('answers unknown paths and methods under /api/json/accounts with a JSON:API document', async () => {
      const id = await createPlayer();
      for (const req of [
        request(t.url).get('/api/json/accounts/nope'),
        request(t.url).get('/api/json/accounts'),
        request(t.url).get(`${USERS}/${id}/stamps`),
        request(t.url).delete(`${USERS}/${id}`),
        request(t.url).put(`${USERS}/${id}`).send(userDoc({})),
        request(t.url).post(`${USERS}/${id}`).send(userDoc({})),
        request(t.url).patch(USERS).send(userDoc({})),
        request(t.url).get('/api/json/nothing/here'),
      ]) {
        const res = await req.set(CLIENT).expect(404);
        expect(onlyError(res)).toMatchObject({ status: '404', code: 'not_found' });
      }
    });
  });

  describe('media types', () => {
    it('406 when every JSON:API entry of Accept has another parameter', async () => {
      for (const accept of [`${JSON_API}; charset=utf-8`, `${JSON_API};v=1, ${JSON_API};x="y"`]) {
        const res = await post(userDoc({}), { ...CLIENT, Accept: accept }).expect(406);
        expect(onlyError(res)).toMatchObject({ status: '406', code: 'not_acceptable' });
      }
      await request(t.url)
        .get(`${USERS}/${randomUUID()}`)
        .set({ ...CLIENT, Accept: `${JSON_API}; charset=utf-8` })
        .expect(406);
      await post(userDoc({}), { ...CLIENT, Accept: `${JSON_API}; ext="https://e.x"` }).expect(201);
      await post(userDoc({}), { ...CLIENT, Accept: `${JSON_API}; q=0.5` }).expect(201);
      await post(userDoc({}), { ...CLIENT, Accept: 'text/html' }).expect(201);
    });

    it('415 for a JSON:API Content-Type with other parameters, or another type', async () => {
      for (const contentType of [`${JSON_API}; charset=utf-8`, 'text/plain', 'application/xml']) {
        const res = await request(t.url)
          .post(USERS)
          .set({ ...CLIENT, 'Content-Type': contentType })
          .send('{"data":{}}')
          .expect(415);
        expect(onlyError(res)).toMatchObject({ status: '415', code: 'unsupported_media_type' });
      }
      const id = await createPlayer();
      await patch(id, userDoc({}), { ...CLIENT, 'Content-Type': `${JSON_API}; version=1` }).expect(
        415,
      );
    });
  });

  describe('409', () => {
    it('rejects a type other than user on create and update', async () => {
      const expected = {
        status: '409',
        code: 'conflict',
        title: 'Conflict',
        detail: 'type must be "user"',
        source: { pointer: '/data/type' },
      };
      expect(onlyError(await post({ data: { type: 'users' } }).expect(409))).toEqual(expected);
      const id = await createPlayer();
      expect(onlyError(await patch(id, { data: { type: 'player' } }).expect(409))).toEqual(
        expected,
      );
    });

    it('rejects a data.id other than the URL id on update', async () => {
      const id = await createPlayer({ nickname: 'Kept' });
      const res = await patch(id, {
        data: { type: 'user', id: randomUUID(), attributes: { nickname: 'Changed' } },
      }).expect(409);
      expect(onlyError(res)).toMatchObject({ code: 'conflict', source: { pointer: '/data/id' } });
      const read = await request(t.url).get(`${USERS}/${id}`).set(CLIENT).expect(200);
      expect(read.body.data.attributes.nickname).toBe('Kept');
    });
  });

  describe('the index (admin token)', () => {
    // Stamp counts from 1000 up keep these players apart from the other tests' ones.
    const SEED: Array<[string, number]> = [
      ['Idx_Delta', 1002],
      ['Idx_Alpha', 1001],
      ['Idx_Echo', 1003],
      ['Idx_Bravo', 1002],
      ['Idx_Charlie', 1000],
    ];
    const MINE = 'filter[stamps_collected][gte]=1000';
    const ids = new Map<string, string>();

    beforeAll(async () => {
      for (const [nickname, stamps] of SEED)
        ids.set(nickname, await createPlayer({ nickname, stamps_collected: stamps }));
    });

    const index = (query: string) => request(t.url).get(`${USERS}?${query}`).set(ADMIN);
    const nicknames = (res: request.Response) =>
      (res.body.data as Array<{ attributes: { nickname: string } }>).map(
        (r) => r.attributes.nickname,
      );

    it('lists players as resources, with links and meta.total', async () => {
      const res = await index(`${MINE}&sort=nickname`).expect(200);
      expect(res.headers['content-type']).toBe(JSON_API);
      expect(res.body.data[0]).toEqual({
        id: ids.get('Idx_Alpha'),
        type: 'user',
        attributes: { nickname: 'Idx_Alpha', stamps_collected: 1001 },
        links: { self: `${t.url}${USERS}/${ids.get('Idx_Alpha')}` },
      });
      expect(res.body.jsonapi).toEqual({ version: '1.1' });
      expect(res.body.meta).toEqual({ total: 5 });
      expect(res.body.links).toEqual({
        self: `${t.url}${USERS}?${MINE}&sort=nickname`,
        first: `${t.url}${USERS}?${MINE}&sort=nickname&page[limit]=50&page[offset]=0`,
        last: `${t.url}${USERS}?${MINE}&sort=nickname&page[limit]=50&page[offset]=0`,
      });
    });

    it('filters by nickname and by stamp comparisons', async () => {
      expect(nicknames(await index('filter[nickname]=Idx_Echo').expect(200))).toEqual(['Idx_Echo']);
      expect(nicknames(await index('filter[nickname]=nobody').expect(200))).toEqual([]);
      const range = await index(
        'filter[stamps_collected][gt]=1000&filter[stamps_collected][lte]=1002&sort=nickname',
      ).expect(200);
      expect(nicknames(range)).toEqual(['Idx_Alpha', 'Idx_Bravo', 'Idx_Delta']);
      const eq = await index('filter[stamps_collected]=1002&sort=-nickname').expect(200);
      expect(nicknames(eq)).toEqual(['Idx_Delta', 'Idx_Bravo']);
      const eqOp = await index('filter[stamps_collected][eq]=1003').expect(200);
      expect(nicknames(eqOp)).toEqual(['Idx_Echo']);
      const lt = await index(`${MINE}&filter[stamps_collected][lt]=1001`).expect(200);
      expect(nicknames(lt)).toEqual(['Idx_Charlie']);
    });

    it('sorts by several keys, descending with "-"', async () => {
      const res = await index(`${MINE}&sort=-stamps_collected,nickname`).expect(200);
      expect(nicknames(res)).toEqual([
        'Idx_Echo',
        'Idx_Bravo',
        'Idx_Delta',
        'Idx_Alpha',
        'Idx_Charlie',
      ]);
      const asc = await index(`${MINE}&sort=stamps_collected,-nickname`).expect(200);
      expect(nicknames(asc)).toEqual([
        'Idx_Charlie',
        'Idx_Alpha',
        'Idx_Delta',
        'Idx_Bravo',
        'Idx_Echo',
      ]);
    });

    it('returns only the attributes of fields[user]', async () => {
      const res = await index(`${MINE}&sort=nickname&fields[user]=nickname`).expect(200);
      expect(res.body.data[0]).toEqual({
        id: ids.get('Idx_Alpha'),
        type: 'user',
        attributes: { nickname: 'Idx_Alpha' },
        links: { self: `${t.url}${USERS}/${ids.get('Idx_Alpha')}` },
      });
      const none = await index(`${MINE}&fields[user]=`).expect(200);
      expect(none.body.data[0].attributes).toEqual({});
    });

    it('pages with page[limit] and page[offset]: follow next until it is absent', async () => {
      const seen: string[] = [];
      let url: string | undefined = `${t.url}${USERS}?${MINE}&sort=nickname&page[limit]=2`;
      let pages = 0;
      while (url !== undefined) {
        const res = await request(url).get('').set(ADMIN).expect(200);
        const links = res.body.links as Record<string, string | undefined>;
        expect(res.body.meta).toEqual({ total: 5 });
        expect(links.first).toBe(
          `${t.url}${USERS}?${MINE}&sort=nickname&page[limit]=2&page[offset]=0`,
        );
        expect(links.last).toBe(
          `${t.url}${USERS}?${MINE}&sort=nickname&page[limit]=2&page[offset]=4`,
        );
        if (pages === 0) expect(links.prev).toBeUndefined();
        else
          expect(links.prev).toBe(
            `${t.url}${USERS}?${MINE}&sort=nickname&page[limit]=2&page[offset]=${(pages - 1) * 2}`,
          );
        seen.push(...nicknames(res));
        pages += 1;
        url = links.next;
      }
      expect(pages).toBe(3);
      expect(seen).toEqual(['Idx_Alpha', 'Idx_Bravo', 'Idx_Charlie', 'Idx_Delta', 'Idx_Echo']);
      const past = await index(`${MINE}&page[offset]=10`).expect(200);
      expect(past.body.data).toEqual([]);
      expect(past.body.links.next).toBeUndefined();
    });

    it('rejects bad query parameters with source.parameter', async () => {
      const cases: Array<[string, string]> = [
        ['sort=bogus', 'sort'],
        ['sort=-inserted_at', 'sort'],
        ['sort=nickname,nickname', 'sort'],
        ['sort=', 'sort'],
        ['fields[user]=id', 'fields[user]'],
        ['fields[player]=nickname', 'fields[player]'],
        ['filter[stamps_collected][gt]=abc', 'filter[stamps_collected][gt]'],
        ['filter[stamps_collected][ne]=1', 'filter[stamps_collected][ne]'],
        ['filter[id]=x', 'filter[id]'],
        ['page[limit]=0', 'page[limit]'],
        ['page[limit]=101', 'page[limit]'],
        ['page[offset]=-1', 'page[offset]'],
        ['page[size]=5', 'page[size]'],
        ['include=friends', 'include'],
        ['foo=bar', 'foo'],
        ['sort=nickname&sort=nickname', 'sort'],
      ];
      for (const [query, parameter] of cases) {
        const res = await index(query).expect(400);
        expect(onlyError(res)).toMatchObject({
          status: '400',
          code: 'InvalidQuery',
          source: { parameter },
        });
      }
      const single = await request(t.url)
        .get(`${USERS}/${ids.get('Idx_Alpha')}?sort=nickname`)
        .set(CLIENT)
        .expect(400);
      expect(onlyError(single).source).toEqual({ parameter: 'sort' });
    });
  });

  describe('CORS', () => {
    it('answers a preflight with 204 before authentication', async () => {
      const res = await request(t.url)
        .options(`${USERS}/`)
        .set({
          Origin: 'https://holoquest.example',
          'Access-Control-Request-Method': 'POST',
          'Access-Control-Request-Headers': 'authorization, content-type',
        })
        .expect(204);
      expect(res.text).toBe('');
      expect(res.headers['access-control-allow-origin']).toBe('*');
      expect(res.headers['access-control-allow-methods']).toBe('GET, POST, PATCH, OPTIONS');
      expect(res.headers['access-control-allow-headers']).toBe(
        'Authorization, Content-Type, Accept',
      );
      await request(t.url)
        .options('/api/json/leaderboard')
        .set({ Origin: 'https://x.example', 'Access-Control-Request-Method': 'GET' })
        .expect(204);
    });

    it('puts the CORS headers on a 401 and on success', async () => {
      const denied = await request(t.url)
        .get(`${USERS}/${randomUUID()}`)
        .set('Origin', 'https://holoquest.example')
        .expect(401);
      expect(denied.headers['access-control-allow-origin']).toBe('*');
      const created = await post(userDoc({}), { ...CLIENT, Origin: 'https://holoquest.example' });
      expect(created.status).toBe(201);
      expect(created.headers['access-control-allow-origin']).toBe('*');
      expect(created.headers['access-control-expose-headers']).toBe('Location');
    });
  });

  it('documents the routes in OpenAPI with bearer security and error statuses', async () => {
    const doc = await request(t.url).get('/docs/openapi.json').expect(200);
    const paths = doc.body.paths as Record<
      string,
      Record<string, { tags: string[]; security?: unknown; responses: object }>
    >;
    const expected: Array<[string, string, string[]]> = [
      [USERS, 'get', ['200', '400', '401', '403', '406', '415']],
      [USERS, 'post', ['201', '400', '401', '403', '406', '409', '415']],
      [`${USERS}/{id}`, 'get', ['200', '401', '404', '406', '415']],
      [`${USERS}/{id}`, 'patch', ['200', '400', '401', '404', '406', '409', '415']],
      ['/api/json/leaderboard', 'get', ['200', '400', '401', '406', '415']],
      ['/api/json/notifications', 'post', ['202', '400', '401', '403', '406', '415']],
    ];
    for (const [path, method, statuses] of expected) {
      const operation = paths[path]?.[method];
      expect(operation).toBeDefined();
      expect(operation.tags).toEqual(['stamp-rally']);
      expect(operation.security).toBeDefined();
      expect(Object.keys(operation.responses)).toEqual(expect.arrayContaining(statuses));
    }
    expect(
      Object.keys(paths)
        .filter((p) => p.startsWith('/api/json'))
        .sort(),
    ).toEqual([USERS, `${USERS}/{id}`, '/api/json/leaderboard', '/api/json/notifications']);
  });
});
