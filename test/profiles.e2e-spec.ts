import pg from 'pg';
import request from 'supertest';
import { startTestApp, type TestApp } from './support/test-app.js';

const PASSWORD = 'Correct-horse-9!';
const DEFAULTS = { hidden: false, theme: 'auto', magnification: 1, recents: [] };
const MISSING_TOKEN = { errors: { detail: 'Authentication token is missing.' } };

describe('chat profiles: PATCH /api/profile, POST /api/recents', () => {
  let t: TestApp;
  let n = 0;

  beforeAll(async () => {
    t = await startTestApp();
  });
  afterAll(() => t.close());

  /** A new account: its email and bearer header. */
  async function account(): Promise<{ email: string; bearer: string; id: string }> {
    const email = `prof${++n}@ex.io`;
    const res = await request(t.url).post('/auth/register').send({ email, password: PASSWORD });
    expect(res.status).toBe(200);
    return { email, bearer: `Bearer ${res.body.auth_token}`, id: res.body.user.id };
  }

  const patch = (bearer: string, body: unknown) =>
    request(t.url)
      .patch('/api/profile')
      .set('Authorization', bearer)
      .send(body as object);
  const recents = (bearer: string, body: unknown) =>
    request(t.url)
      .post('/api/recents')
      .set('Authorization', bearer)
      .send(body as object);
  /** The stored profile, as the next login answers it. */
  async function storedProfile(email: string) {
    const res = await request(t.url)
      .post('/auth/login')
      .send({ email, password: PASSWORD })
      .expect(200);
    const { hidden, theme, magnification, recents: list } = res.body.user;
    return { hidden, theme, magnification, recents: list };
  }

  describe('PATCH /api/profile', () => {
    it('answers 401 without a bearer', async () => {
      const res = await request(t.url).patch('/api/profile').send({ theme: 'day' }).expect(401);
      expect(res.body).toEqual(MISSING_TOKEN);
    });

    it('changes each field and answers 200 with the full profile', async () => {
      const { email, bearer } = await account();
      expect((await patch(bearer, { theme: 'night' }).expect(200)).body).toEqual({
        ...DEFAULTS,
        theme: 'night',
      });
      expect((await patch(bearer, { hidden: true }).expect(200)).body).toEqual({
        ...DEFAULTS,
        theme: 'night',
        hidden: true,
      });
      const res = await patch(bearer, { magnification: 1.2, recents: ['/chat/a', '/account'] });
      expect(res.status).toBe(200);
      expect(res.headers['content-type']).toMatch(/application\/json/);
      const expected = {
        hidden: true,
        theme: 'night',
        magnification: 1.2,
        recents: ['/chat/a', '/account'],
      };
      expect(res.body).toEqual(expected);
      expect(await storedProfile(email)).toEqual(expected);
    });

    it('accepts each theme exactly, and both bounds of magnification', async () => {
      const { bearer } = await account();
      for (const theme of ['auto', 'day', 'night']) {
        expect((await patch(bearer, { theme }).expect(200)).body.theme).toBe(theme);
      }
      for (const magnification of [0.7, 1.4, 1]) {
        const res = await patch(bearer, { magnification }).expect(200);
        expect(res.body.magnification).toBe(magnification);
      }
    });

    it('answers magnification as a JSON number, rounded to the one decimal it is stored with', async () => {
      const { email, bearer } = await account();
      const res = await patch(bearer, { magnification: 1.25 }).expect(200);
      expect(res.text).toContain('"magnification":1.3');
      expect(res.body.magnification).toBe(1.3);
      expect((await storedProfile(email)).magnification).toBe(1.3);
      expect((await patch(bearer, { magnification: 0.74 }).expect(200)).body.magnification).toBe(
        0.7,
      );
      const { magnification } = await storedProfile(email);
      expect(typeof magnification).toBe('number');
      expect(magnification).toBe(0.7);
    });

    it('ignores unknown keys and answers the unchanged profile for an empty body', async () => {
      const { email, bearer } = await account();
      const res = await patch(bearer, { theme: 'day', colour: 'red', user_id: 'x' }).expect(200);
      expect(res.body).toEqual({ ...DEFAULTS, theme: 'day' });
      expect((await patch(bearer, {}).expect(200)).body).toEqual({ ...DEFAULTS, theme: 'day' });
      expect((await patch(bearer, { nothing: 1 }).expect(200)).body.theme).toBe('day');
      expect(await storedProfile(email)).toEqual({ ...DEFAULTS, theme: 'day' });
    });

    it.each([
      ['theme', 'dark', 'must be one of auto, day, night'],
      ['theme', 'Day', 'must be one of auto, day, night'],
      ['theme', 'autopilot', 'must be one of auto, day, night'],
      ['theme', 'midnight', 'must be one of auto, day, night'],
      ['theme', 'sunday', 'must be one of auto, day, night'],
      ['theme', '', 'must be one of auto, day, night'],
      ['theme', 1, 'must be one of auto, day, night'],
      ['theme', null, 'must be one of auto, day, night'],
      ['magnification', 0.6, 'must be a number between 0.7 and 1.4'],
      ['magnification', 1.41, 'must be a number between 0.7 and 1.4'],
      ['magnification', 2, 'must be a number between 0.7 and 1.4'],
      ['magnification', -1, 'must be a number between 0.7 and 1.4'],
      ['magnification', '1.2', 'must be a number between 0.7 and 1.4'],
      ['magnification', null, 'must be a number between 0.7 and 1.4'],
      ['magnification', [1], 'must be a number between 0.7 and 1.4'],
      ['hidden', 'true', 'is invalid'],
      ['hidden', 1, 'is invalid'],
      ['hidden', null, 'is invalid'],
      ['recents', '/chat/a', 'is invalid'],
      ['recents', null, 'is invalid'],
      ['recents', { 0: '/a' }, 'is invalid'],
      ['recents', [1], 'each item must be a string of at most 200 characters'],
      ['recents', [null], 'each item must be a string of at most 200 characters'],
      ['recents', ['x'.repeat(201)], 'each item must be a string of at most 200 characters'],
      ['recents', ['/chat/\u0000'], 'each item must not contain NUL characters'],
    ])('answers 422 for %s = %j', async (field, value, message) => {
      const { email, bearer } = await account();
      const res = await patch(bearer, { [field]: value }).expect(422);
      expect(res.body).toEqual({ errors: { [field]: [message] } });
      expect(await storedProfile(email)).toEqual(DEFAULTS);
    });

    it('answers 422 for more than 20 recents, with every field error at once', async () => {
      const { email, bearer } = await account();
      const tooMany = Array.from({ length: 21 }, (_, i) => `/chat/${i}`);
      expect((await patch(bearer, { recents: tooMany }).expect(422)).body).toEqual({
        errors: { recents: ['should have at most 20 item(s)'] },
      });
      const all = await patch(bearer, {
        theme: 'dark',
        magnification: 3,
        hidden: 'yes',
        recents: [...tooMany, 'y'.repeat(300)],
      }).expect(422);
      expect(all.body).toEqual({
        errors: {
          theme: ['must be one of auto, day, night'],
          magnification: ['must be a number between 0.7 and 1.4'],
          hidden: ['is invalid'],
          recents: expect.arrayContaining([
            'should have at most 20 item(s)',
            'each item must be a string of at most 200 characters',
          ]),
        },
      });
      expect(all.body.errors.recents).toHaveLength(2);
      // One invalid field changes nothing, not even the valid ones.
      await patch(bearer, { theme: 'night', magnification: 9 }).expect(422);
      expect(await storedProfile(email)).toEqual(DEFAULTS);
    });

    it('counts characters, not UTF-16 units: 200 emoji fit, 20 recents fit', async () => {
      const { bearer } = await account();
      const emoji = '😀'.repeat(200);
      const twenty = Array.from({ length: 20 }, (_, i) => (i === 0 ? emoji : `/chat/${i}`));
      const res = await patch(bearer, { recents: twenty }).expect(200);
      expect(res.body.recents).toEqual(twenty);
      await patch(bearer, { recents: ['😀'.repeat(201)] }).expect(422);
      expect((await patch(bearer, { recents: [] }).expect(200)).body.recents).toEqual([]);
    });

    it('answers 400 for a malformed JSON body, 200 for a body that is not an object', async () => {
      const { bearer } = await account();
      await request(t.url)
        .patch('/api/profile')
        .set('Authorization', bearer)
        .set('Content-Type', 'application/json')
        .send('{"theme":')
        .expect(400);
      const res = await request(t.url)
        .patch('/api/profile')
        .set('Authorization', bearer)
        .set('Content-Type', 'application/json')
        .send('[1,2]')
        .expect(200);
      expect(res.body).toEqual(DEFAULTS);
    });

    it('creates the default profile of a user who has none instead of failing', async () => {
      const { email, bearer, id } = await account();
      const client = new pg.Client({ connectionString: t.databaseUrl });
      await client.connect();
      try {
        await client.query('DELETE FROM user_profiles WHERE user_id = $1', [id]);
      } finally {
        await client.end();
      }
      expect((await patch(bearer, {}).expect(200)).body).toEqual(DEFAULTS);
      expect((await patch(bearer, { theme: 'day' }).expect(200)).body.theme).toBe('day');
      expect((await storedProfile(email)).theme).toBe('day');
    });
  });

  describe('POST /api/recents', () => {
    it('answers 401 without a bearer', async () => {
      const res = await request(t.url).post('/api/recents').send({ recents: [] }).expect(401);
      expect(res.body).toEqual(MISSING_TOKEN);
    });

    it('replaces the recents and answers 200 with the full profile', async () => {
      const { email, bearer } = await account();
      await patch(bearer, { theme: 'night' }).expect(200);
      const first = await recents(bearer, { recents: ['/chat/1', '/account'] }).expect(200);
      expect(first.body).toEqual({ ...DEFAULTS, theme: 'night', recents: ['/chat/1', '/account'] });
      const second = await recents(bearer, { recents: ['/chat/2'], theme: 'day' }).expect(200);
      expect(second.body).toEqual({ ...DEFAULTS, theme: 'night', recents: ['/chat/2'] });
      expect(await storedProfile(email)).toEqual(second.body);
      const cleared = await recents(bearer, { recents: [] }).expect(200);
      expect(cleared.body.recents).toEqual([]);
    });

    it('answers 400 naming the missing key', async () => {
      const { bearer } = await account();
      for (const body of [{}, { recent: ['/a'] }, { recents: null }]) {
        const res = await recents(bearer, body).expect(400);
        expect(res.body).toEqual({ error: { missing_parameters: ['recents'] } });
      }
      const none = await request(t.url)
        .post('/api/recents')
        .set('Authorization', bearer)
        .expect(400);
      expect(none.body).toEqual({ error: { missing_parameters: ['recents'] } });
    });

    it('answers 422 with the same item rules as the profile', async () => {
      const { email, bearer } = await account();
      const cases: Array<[unknown, string[]]> = [
        [Array.from({ length: 21 }, (_, i) => `/chat/${i}`), ['should have at most 20 item(s)']],
        [['x'.repeat(201)], ['each item must be a string of at most 200 characters']],
        [[42], ['each item must be a string of at most 200 characters']],
        ['/chat/1', ['is invalid']],
        [['\u0000'], ['each item must not contain NUL characters']],
      ];
      for (const [value, messages] of cases) {
        const res = await recents(bearer, { recents: value }).expect(422);
        expect(res.body).toEqual({ errors: { recents: messages } });
      }
      expect((await storedProfile(email)).recents).toEqual([]);
    });
  });

  it('documents both routes in the OpenAPI document', async () => {
    const { body } = await request(t.url).get('/docs/openapi.json').expect(200);
    const profile = body.paths['/api/profile'];
    const recentsPath = body.paths['/api/recents'];
    expect(Object.keys(profile)).toEqual(['patch']);
    expect(Object.keys(recentsPath)).toEqual(['post']);
    for (const [operation, statuses] of [
      [profile.patch, ['200', '401', '422']],
      [recentsPath.post, ['200', '400', '401', '422']],
    ]) {
      expect(operation.security).toEqual([{ bearer: [] }]);
      expect(operation.requestBody.content['application/json'].schema.$ref).toMatch(/Dto$/);
      expect(Object.keys(operation.responses).sort()).toEqual(statuses);
      expect(operation.responses['200'].content['application/json'].schema.$ref).toBe(
        '#/components/schemas/ProfileBody',
      );
    }
    const update = body.components.schemas.UpdateProfileDto;
    expect(Object.keys(update.properties).sort()).toEqual([
      'hidden',
      'magnification',
      'recents',
      'theme',
    ]);
    expect(update.properties.theme.enum).toEqual(['auto', 'day', 'night']);
    expect(body.components.schemas.RecentsDto.required).toEqual(['recents']);
    expect(body.components.schemas.ProfileBody.properties.magnification.type).toBe('number');
  });
});
