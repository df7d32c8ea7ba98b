import http from 'node:http';
import type { AddressInfo } from 'node:net';
import os from 'node:os';
import request from 'supertest';
import { AccountMails } from '../src/mail/account-mails.js';
import { startTestApp, type TestApp } from './support/test-app.js';

const NOT_FOUND = { errors: { detail: 'Not Found' } };

/** This machine's first IPv4 address that is not loopback, if it has one. */
function externalIPv4(): string | undefined {
  return Object.values(os.networkInterfaces())
    .flat()
    .find((a) => a?.family === 'IPv4' && !a.internal)?.address;
}

describe('development mailbox: answers only clients on this machine', () => {
  const address = externalIPv4();
  let t: TestApp;
  /** The same application, also served on the non-loopback address. */
  let external: http.Server | undefined;
  let externalUrl: string;

  beforeAll(async () => {
    t = await startTestApp();
    await t.app.get(AccountMails).sendPasswordReset('ann@example.com', 'A'.repeat(43));
    if (address !== undefined) {
      const server = http.createServer(t.app.getHttpAdapter().getInstance());
      await new Promise<void>((resolve) => server.listen(0, address, resolve));
      external = server;
      externalUrl = `http://${address}:${(server.address() as AddressInfo).port}`;
    }
  });
  afterAll(async () => {
    await new Promise((resolve) => (external ? external.close(resolve) : resolve(undefined)));
    await t?.close();
  });

  const mailCount = async () =>
    ((await request(t.url).get('/dev/mailbox').expect(200)).body.mails as unknown[]).length;

  it('answers a client on loopback that reaches the server directly', async () => {
    expect(await mailCount()).toBe(1);
  });

  it('answers 404 to a request forwarded by a proxy, even one on this machine', async () => {
    for (const [header, value] of [
      ['X-Forwarded-For', '127.0.0.1'],
      ['Forwarded', 'for=127.0.0.1'],
      ['X-Real-IP', '127.0.0.1'],
    ]) {
      const get = await request(t.url).get('/dev/mailbox').set(header, value).expect(404);
      expect(get.body).toEqual(NOT_FOUND);
      await request(t.url).delete('/dev/mailbox').set(header, value).expect(404);
    }
    expect(await mailCount()).toBe(1);
  });

  (address === undefined ? it.skip : it)(
    `answers 404 to a client on another address (${address})`,
    async () => {
      const absent = await request(externalUrl).get('/dev/no-such-route').expect(404);
      const get = await request(externalUrl).get('/dev/mailbox').expect(404);
      expect(get.body).toEqual(absent.body);
      expect(get.body).toEqual(NOT_FOUND);
      await request(externalUrl).delete('/dev/mailbox').expect(404);
      // The application itself does answer on that address.
      await request(externalUrl).get('/health').expect(200);
      expect(await mailCount()).toBe(1);
    },
  );
});
