/**
 * Issue 13, items 2 and 3: the operators' dashboard in a real browser (Chromium through
 * playwright-core) on the real application. The page signs in with ADMIN_API_TOKEN, joins
 * `admin:dashboard` with phoenix.js and draws what the channel pushes every second; the test
 * makes traffic with the official phoenix client and reads the page's text.
 */
import fs from 'node:fs';
import path from 'node:path';
import type { Page } from 'playwright-core';
import type { Socket } from 'phoenix';
import {
  type Browser,
  describeBrowser,
  launchBrowser,
  TEST_OUTPUT,
  waitForValue,
} from './support/browser.js';
import {
  connect,
  disconnect,
  disconnectAll,
  join,
  pushReply,
  ReplyError,
} from './support/phoenix-client.js';
import { createPlayer, joinNotifications } from './support/rally-players.js';
import { startTestApp, type TestApp } from './support/test-app.js';

const ADMIN_API_TOKEN = 'dashboard-admin-token-0123456789';
const HOLOQUEST_API_TOKEN = 'dashboard-holoquest-token-0123456789';
/** Bound for what the page shows: a snapshot a second, on a loaded machine. */
const SEEN_MS = 10_000;

/** The text of `selector` on the page. */
const textOf = (page: Page, selector: string) => async () =>
  (await page.textContent(selector))?.trim() ?? '';

async function signIn(page: Page, url: string, token: string): Promise<void> {
  await page.goto(`${url}/dashboard`);
  await page.fill('#token', token);
  await page.click('#sign-in-form button[type="submit"]');
}

await describeBrowser('dashboard in a browser', () => {
  let t: TestApp;
  let browser: Browser;

  beforeAll(async () => {
    t = await startTestApp({ ADMIN_API_TOKEN, HOLOQUEST_API_TOKEN, RALLY_RATE_LIMIT: '100000' });
    browser = await launchBrowser();
  });

  afterAll(async () => {
    await disconnectAll();
    await browser?.close();
    await t?.close();
  });

  it('refuses a wrong token: the sign-in form comes back with a clear message', async () => {
    const page = await browser.newPage();
    await signIn(page, t.url, 'not-the-admin-token-0123456789');
    const message = await waitForValue(
      textOf(page, '#sign-in-message'),
      (text) => text !== '',
      SEEN_MS,
      'the refusal message',
    );
    expect(message).toContain('refused this admin token');
    expect(await page.isVisible('#sign-in-form')).toBe(true);
    expect(await page.isVisible('#dashboard')).toBe(false);
    // Nothing of a refused token is kept.
    expect(await page.evaluate('sessionStorage.length')).toBe(0);
    await page.close();
  });

  it('says so when the browser cannot send a token (phoenix.js sends it as a subprotocol)', async () => {
    const page = await browser.newPage();
    // Base64 turns the "?" into a "/", which no WebSocket subprotocol may hold.
    await signIn(page, t.url, 'ab?ab?ab?ab?ab?ab?');
    const message = await waitForValue(
      textOf(page, '#sign-in-message'),
      (text) => text !== '',
      SEEN_MS,
      'the message',
    );
    expect(message).toContain('cannot send this token');
    expect(await page.evaluate('sessionStorage.length')).toBe(0);
    await page.close();
  });

  describe('signed in', () => {
    let page: Page;
    let player: string;

    beforeAll(async () => {
      player = await createPlayer(t.url, HOLOQUEST_API_TOKEN, 'Watcher');
      page = await browser.newPage();
      await signIn(page, t.url, ADMIN_API_TOKEN);
      await page.waitForSelector('#dashboard', { state: 'visible', timeout: SEEN_MS });
    });

    it('keeps the token in sessionStorage only, and shows this node', async () => {
      expect(await page.evaluate('sessionStorage.length')).toBe(1);
      expect(await page.evaluate('localStorage.length')).toBe(0);
      expect(await page.evaluate('document.cookie')).toBe('');
      await waitForValue(textOf(page, '#nodes-total'), (n) => n === '1', SEEN_MS, 'one node');
    });

    it('shows the connection count rise by 50 while 50 sockets are held, and fall back', async () => {
      const connections = textOf(page, '#connections-total');
      const before = Number(
        await waitForValue(connections, (n) => /^\d+$/.test(n), SEEN_MS, 'a count'),
      );
      const sockets: Socket[] = [];
      for (let i = 0; i < 50; i++) {
        sockets.push(await connect(t.socketUrl, { params: { userToken: player } }));
      }
      await waitForValue(connections, (n) => n === String(before + 50), SEEN_MS, `${before + 50}`);
      await Promise.all(sockets.map((socket) => disconnect(socket)));
      await waitForValue(connections, (n) => n === String(before), SEEN_MS, `${before} again`);
    });

    it('moves the messages chart while the test broadcasts', async () => {
      const latest = () => page.getAttribute('[data-chart="messages_in"]', 'data-latest');
      const points = async () =>
        Number(await page.getAttribute('[data-chart="messages_in"]', 'data-points'));
      const { channel } = await joinNotifications(t.socketUrl, player);
      const pointsBefore = await points();
      let shouting = true;
      const shouts = (async () => {
        for (let i = 0; shouting; i++) await pushReply(channel, 'shout', { n: i });
      })();
      try {
        await waitForValue(latest, (value) => Number(value) > 0, SEEN_MS, 'messages in/s > 0');
      } finally {
        shouting = false;
        await shouts;
      }
      expect(await points()).toBeGreaterThan(pointsBefore);
    });

    it('lists a refused join among the latest refusals and errors', async () => {
      const socket = await connect(t.socketUrl, { params: { userToken: player } });
      const refused = socket.channel('notifications:nowhere', {});
      await expect(join(refused)).rejects.toEqual(
        new ReplyError('error', { reason: 'unknown topic' }),
      );
      refused.leave();
      const refusals = page.locator('#events li[data-kind="join_refused"]');
      await refusals
        .filter({ hasText: 'notifications: unknown topic' })
        .first()
        .waitFor({ timeout: SEEN_MS });
    });

    it('draws without a script, style or socket error (CSP), and leaves a screenshot', async () => {
      fs.mkdirSync(TEST_OUTPUT, { recursive: true });
      await page.screenshot({ path: path.join(TEST_OUTPUT, 'dashboard.png'), fullPage: true });
      expect(browser.problems).toEqual([]);
    });
  });
});
