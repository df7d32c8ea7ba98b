import request from 'supertest';
import { PASSWORD, uniqueEmail } from './support/chat-users.js';
import { startSmtpServer, tokenFromMail, waitForMail } from './support/smtp-server.js';
import { startTestApp, type TestApp } from './support/test-app.js';

// The account flows end to end through a real SMTP server: tokens come out of received mails.
describe('chat account mails over SMTP', () => {
  let smtp: Awaited<ReturnType<typeof startSmtpServer>>;
  let t: TestApp;

  beforeAll(async () => {
    smtp = await startSmtpServer();
    t = await startTestApp({
      SMTP_URL: `smtp://127.0.0.1:${smtp.port}`,
      FRONTEND_URL: 'https://chat.example',
    });
  });
  afterAll(async () => {
    await t?.close();
    await smtp?.close();
  });

  it('confirms the email, resets the password and changes the email with mailed tokens', async () => {
    const email = uniqueEmail('smtp');
    const registered = await request(t.url)
      .post('/auth/register')
      .send({ email, password: PASSWORD })
      .expect(200);
    const bearer = `Bearer ${registered.body.auth_token}`;

    const confirmation = await waitForMail(smtp.received, 1);
    expect(confirmation.to).toEqual([email]);
    await request(t.url)
      .post('/auth/confirm')
      .send({ token: tokenFromMail(confirmation, 'email_confirmation') })
      .expect(204);

    await request(t.url).post('/auth/password/request').send({ email }).expect(204);
    const reset = await waitForMail(smtp.received, 2);
    const newPassword = 'Brand-new-pass-7!';
    await request(t.url)
      .post('/auth/password/reset')
      .send({
        token: tokenFromMail(reset, 'password_reset'),
        new_password: newPassword,
        new_password_confirmation: newPassword,
      })
      .expect(204);
    const login = await request(t.url)
      .post('/auth/login')
      .send({ email, password: newPassword })
      .expect(200);
    expect(login.body.user.confirmed_at).not.toBeNull();

    const freshBearer = `Bearer ${login.body.auth_token}`;
    await request(t.url).post('/api/signout_all').set('Authorization', bearer).expect(401);
    await request(t.url)
      .post('/api/token/email_change')
      .set('Authorization', freshBearer)
      .expect(204);
    const change = await waitForMail(smtp.received, 3);
    expect(change.to).toEqual([email]);
    const newEmail = uniqueEmail('smtp-moved');
    await request(t.url)
      .patch('/api/email')
      .set('Authorization', freshBearer)
      .send({
        token: tokenFromMail(change, 'email_change'),
        email: newEmail,
        password: newPassword,
      })
      .expect(204);
    await request(t.url)
      .post('/auth/login')
      .send({ email: newEmail, password: newPassword })
      .expect(200);
  });
});
