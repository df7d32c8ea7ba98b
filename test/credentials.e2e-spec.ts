import pg from 'pg';
import request from 'supertest';
import { TokenPurge } from '../src/auth/token-purge.js';
import { PASSWORD, registerUser, uniqueEmail } from './support/chat-users.js';
import { startTestApp, type TestApp } from './support/test-app.js';

const NEW_PASSWORD = 'Another-horse-8!';

describe('chat accounts: confirmation, password reset and change, email change (dev mailbox)', () => {
  let t: TestApp;

  beforeAll(async () => {
    t = await startTestApp({ FRONTEND_URL: 'https://chat.example' });
  });
  afterAll(() => t.close());

  /** The token of the newest mailed link for `purpose` to `to`. */
  async function mailedToken(to: string, purpose: string): Promise<string> {
    const { body } = await request(t.url).get('/dev/mailbox').expect(200);
    const mail = (body.mails as Array<{ to: string; text: string }>).find(
      (m) => m.to === to && m.text.includes(`https://chat.example/${purpose}?token=`),
    );
    if (!mail) throw new Error(`no ${purpose} mail to ${to}`);
    return /token=([A-Za-z0-9_-]{43})/.exec(mail.text)![1];
  }

  const post = (path: string, body: object = {}, bearer?: string) => {
    const req = request(t.url).post(path).send(body);
    return bearer ? req.set('Authorization', bearer) : req;
  };
  const patch = (path: string, body: object, bearer: string) =>
    request(t.url).patch(path).send(body).set('Authorization', bearer);
  const INVALID_TOKEN = { error: { message: 'Invalid token' } };
  const INVALID_INPUT = { error: { message: 'Invalid input' } };

  describe('email confirmation', () => {
    it('confirms with the mailed token, once; confirmed_at then shows in ISO form', async () => {
      const user = await registerUser(t.url);
      const token = await mailedToken(user.email, 'email_confirmation');
      await post('/auth/confirm', { token }).expect(204);
      expect((await post('/auth/confirm', { token }).expect(400)).body).toEqual(INVALID_TOKEN);
      const login = await post('/auth/login', { email: user.email, password: PASSWORD }).expect(
        200,
      );
      expect(login.body.user.confirmed_at).toMatch(/^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.\d{3}Z$/);
    });

    it('resends a link on request, and answers Invalid input once confirmed', async () => {
      const user = await registerUser(t.url);
      await post('/api/token/email_confirm', {}, user.bearer).expect(204);
      await post('/auth/confirm', {
        token: await mailedToken(user.email, 'email_confirmation'),
      }).expect(204);
      expect((await post('/api/token/email_confirm', {}, user.bearer).expect(400)).body).toEqual(
        INVALID_INPUT,
      );
    });

    it('answers 400 for unknown tokens and missing parameters', async () => {
      expect((await post('/auth/confirm', { token: 'A'.repeat(43) }).expect(400)).body).toEqual(
        INVALID_TOKEN,
      );
      expect((await post('/auth/confirm', {}).expect(400)).body).toEqual({
        error: { missing_parameters: ['token'] },
      });
    });
  });

  describe('password reset', () => {
    it('always answers 204 to a request, mailing only existing accounts', async () => {
      const user = await registerUser(t.url);
      await post('/auth/password/request', { email: user.email.toUpperCase() }).expect(204);
      await post('/auth/password/request', { email: 'nobody-here@example.com' }).expect(204);
      const { body } = await request(t.url).get('/dev/mailbox').expect(200);
      expect(body.mails.some((m: { to: string }) => m.to === 'nobody-here@example.com')).toBe(
        false,
      );
      expect(await mailedToken(user.email, 'password_reset')).toHaveLength(43);
    });

    it('checks a token without using it, then resets: every token and session revoked', async () => {
      const user = await registerUser(t.url);
      await post('/auth/password/request', { email: user.email }).expect(204);
      const token = await mailedToken(user.email, 'password_reset');
      const checked = await post('/auth/password/confirm', { token }).expect(200);
      expect(checked.body).toEqual({
        success: true,
        user: { id: user.id, email: user.email, display_name: expect.any(String) },
      });
      await post('/auth/password/confirm', { token }).expect(200);

      const mismatch = await post('/auth/password/reset', {
        token,
        new_password: NEW_PASSWORD,
        new_password_confirmation: 'Something-else-1!',
      }).expect(422);
      expect(mismatch.body).toEqual({
        errors: { new_password_confirmation: ['does not match password'] },
      });
      const weak = await post('/auth/password/reset', {
        token,
        new_password: 'weak',
        new_password_confirmation: 'weak',
      }).expect(422);
      expect(weak.body.errors.new_password).toContain('should be at least 12 byte(s)');

      await post('/auth/password/reset', {
        token,
        password: 'ignored',
        new_password: NEW_PASSWORD,
        new_password_confirmation: NEW_PASSWORD,
      }).expect(204);
      expect(
        (
          await post('/auth/password/reset', {
            token,
            new_password: NEW_PASSWORD,
            new_password_confirmation: NEW_PASSWORD,
          }).expect(400)
        ).body,
      ).toEqual(INVALID_TOKEN);
      await post('/auth/refresh', { token: user.refreshToken }).expect(400);
      await post('/api/signout_all', {}, user.bearer).expect(401);
      await post('/auth/login', { email: user.email, password: PASSWORD }).expect(401);
      await post('/auth/login', { email: user.email, password: NEW_PASSWORD }).expect(200);
    });

    it('refuses a new password equal to the current one', async () => {
      const user = await registerUser(t.url);
      await post('/auth/password/request', { email: user.email }).expect(204);
      const token = await mailedToken(user.email, 'password_reset');
      const same = await post('/auth/password/reset', {
        token,
        new_password: PASSWORD,
        new_password_confirmation: PASSWORD,
      }).expect(422);
      expect(same.body).toEqual({ errors: { new_password: ['did not change'] } });
    });
  });

  describe('password change', () => {
    it('needs the current password, and revokes every token', async () => {
      const user = await registerUser(t.url);
      const wrong = await patch(
        '/api/password',
        {
          password: 'Wrong-password-1!',
          new_password: NEW_PASSWORD,
          new_password_confirmation: NEW_PASSWORD,
        },
        user.bearer,
      ).expect(422);
      expect(wrong.body).toEqual({ errors: { current_password: ['is not valid'] } });
      const same = await patch(
        '/api/password',
        { password: PASSWORD, new_password: PASSWORD, new_password_confirmation: PASSWORD },
        user.bearer,
      ).expect(422);
      expect(same.body).toEqual({ errors: { new_password: ['did not change'] } });
      const missing = await patch('/api/password', { password: PASSWORD }, user.bearer).expect(400);
      expect(missing.body).toEqual({
        error: { missing_parameters: ['new_password', 'new_password_confirmation'] },
      });

      await patch(
        '/api/password',
        { password: PASSWORD, new_password: NEW_PASSWORD, new_password_confirmation: NEW_PASSWORD },
        user.bearer,
      ).expect(204);
      await post('/auth/refresh', { token: user.refreshToken }).expect(400);
      await post('/api/signout_all', {}, user.bearer).expect(401);
      await post('/auth/login', { email: user.email, password: NEW_PASSWORD }).expect(200);
    });

    it('answers 401 without a bearer', async () => {
      const res = await request(t.url).patch('/api/password').send({}).expect(401);
      expect(res.body).toEqual({ errors: { detail: 'Authentication token is missing.' } });
    });
  });

  describe('email change', () => {
    it('moves the account with a mailed token and the current password', async () => {
      const user = await registerUser(t.url);
      await post('/api/token/email_change', {}, user.bearer).expect(204);
      const token = await mailedToken(user.email, 'email_change');
      const newEmail = uniqueEmail('moved');

      const wrong = await patch(
        '/api/email',
        { token, email: newEmail, password: 'Wrong-password-1!' },
        user.bearer,
      ).expect(422);
      expect(wrong.body).toEqual({ errors: { current_password: ['is not valid'] } });
      const same = await patch(
        '/api/email',
        { token, email: user.email, password: PASSWORD },
        user.bearer,
      ).expect(422);
      expect(same.body).toEqual({ errors: { email: ['did not change'] } });
      const taken = await registerUser(t.url);
      const duplicate = await patch(
        '/api/email',
        { token, email: taken.email, password: PASSWORD },
        user.bearer,
      ).expect(422);
      expect(duplicate.body).toEqual({ errors: { email: ['has already been taken'] } });
      const invalid = await patch(
        '/api/email',
        { token, email: 'nope', password: PASSWORD },
        user.bearer,
      ).expect(422);
      expect(invalid.body).toEqual({ errors: { email: ['must be a valid email'] } });

      await patch('/api/email', { token, email: newEmail, password: PASSWORD }, user.bearer).expect(
        204,
      );
      await post('/api/signout_all', {}, user.bearer).expect(401);
      await post('/auth/login', { email: user.email, password: PASSWORD }).expect(401);
      const login = await post('/auth/login', { email: newEmail, password: PASSWORD }).expect(200);
      expect(login.body.user.email).toBe(newEmail);
    });

    it('refuses a token of another user', async () => {
      const owner = await registerUser(t.url);
      const other = await registerUser(t.url);
      await post('/api/token/email_change', {}, owner.bearer).expect(204);
      const token = await mailedToken(owner.email, 'email_change');
      const res = await patch(
        '/api/email',
        { token, email: uniqueEmail(), password: PASSWORD },
        other.bearer,
      ).expect(400);
      expect(res.body).toEqual(INVALID_TOKEN);
    });
  });

  describe('expiry', () => {
    async function sql(text: string, params: unknown[] = []) {
      const client = new pg.Client({ connectionString: t.databaseUrl });
      await client.connect();
      try {
        return await client.query(text, params);
      } finally {
        await client.end();
      }
    }

    it('rejects expired tokens of every purpose, and the purge job deletes them', async () => {
      const user = await registerUser(t.url);
      await post('/auth/password/request', { email: user.email }).expect(204);
      const reset = await mailedToken(user.email, 'password_reset');
      const confirmation = await mailedToken(user.email, 'email_confirmation');
      await sql(
        `UPDATE user_tokens SET expires_at = now() - interval '1 second' WHERE user_id = $1`,
        [user.id],
      );

      expect((await post('/auth/refresh', { token: user.refreshToken }).expect(400)).body).toEqual(
        INVALID_TOKEN,
      );
      expect((await post('/auth/confirm', { token: confirmation }).expect(400)).body).toEqual(
        INVALID_TOKEN,
      );
      expect((await post('/auth/password/confirm', { token: reset }).expect(400)).body).toEqual(
        INVALID_TOKEN,
      );

      expect(await t.app.get(TokenPurge).run()).toBeGreaterThanOrEqual(3);
      const { rows } = await sql('SELECT count(*)::int AS n FROM user_tokens WHERE user_id = $1', [
        user.id,
      ]);
      expect(rows[0].n).toBe(0);
    });

    it('gives tokens the documented lifetimes', async () => {
      const user = await registerUser(t.url);
      await post('/auth/password/request', { email: user.email }).expect(204);
      await post('/api/token/email_change', {}, user.bearer).expect(204);
      const { rows } = await sql(
        `SELECT purpose, round(extract(epoch FROM expires_at - inserted_at) / 86400) AS days
           FROM user_tokens WHERE user_id = $1 ORDER BY purpose`,
        [user.id],
      );
      expect(rows.map((r) => [r.purpose, Number(r.days)])).toEqual([
        ['email_change', 7],
        ['email_confirmation', 7],
        ['password_reset', 1],
        ['refresh', 14],
      ]);
    });
  });
});
