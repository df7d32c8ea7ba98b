/**
 * Issue 13, item 2: the dashboard's server side without a browser: the files of GET /dashboard
 * and their Content-Security-Policy, the socket authenticator and the `admin:dashboard` channel
 * (who may join, what a snapshot holds, one timer that runs only while someone watches).
 */
import type { Socket } from 'phoenix';
import request from 'supertest';
import { DashboardFeed } from '../src/dashboard/dashboard-feed.js';
import type { DashboardSnapshot } from '../src/dashboard/cluster-snapshot.js';
import {
  collect,
  connect,
  disconnectAll,
  join,
  leave,
  ReplyError,
  waitFor,
} from './support/phoenix-client.js';
import { createPlayer } from './support/rally-players.js';
import { startTestApp, type TestApp } from './support/test-app.js';

const ADMIN_API_TOKEN = 'dashboard-admin-token-0123456789';
const DASHBOARD = { params: { dashboard: '1' } };

/** A dashboard socket presenting `authToken` (as the page does), or none. */
const dashboardSocket = (t: TestApp, authToken?: string): Promise<Socket> =>
  connect(t.socketUrl, { ...DASHBOARD, ...(authToken === undefined ? {} : { authToken }) });

describe('dashboard: files and channel', () => {
  let t: TestApp;

  beforeAll(async () => {
    t = await startTestApp({ ADMIN_API_TOKEN });
  });

  afterEach(() => disconnectAll());

  afterAll(async () => {
    await t?.close();
  });

  describe('GET /dashboard', () => {
    it('serves the page under a strict Content-Security-Policy (this origin only, no inline code)', async () => {
      const res = await request(t.url).get('/dashboard').expect(200);
      expect(res.headers['content-type']).toBe('text/html; charset=utf-8');
      const csp = String(res.headers['content-security-policy']);
      expect(csp).toContain("default-src 'none'");
      expect(csp).toContain("script-src 'self'");
      expect(csp).toContain("style-src 'self'");
      expect(csp).toContain("connect-src 'self'");
      expect(csp).not.toContain('unsafe');
      expect(res.headers['x-content-type-options']).toBe('nosniff');
      expect(res.text).toContain('<script type="module" src="/dashboard/dashboard.js"></script>');
      expect(res.text).not.toMatch(/<script>|<style>| style="| on[a-z]+="/);
    });

    it.each([
      ['/dashboard/dashboard.js', 'text/javascript', 'admin:dashboard'],
      ['/dashboard/charts.js', 'text/javascript', 'uPlot'],
      ['/dashboard/render.js', 'text/javascript', 'textContent'],
      ['/dashboard/dashboard.css', 'text/css', '[hidden]'],
      ['/dashboard/vendor/phoenix.mjs', 'text/javascript', 'export {'],
      ['/dashboard/vendor/uPlot.iife.min.js', 'text/javascript', 'uPlot'],
      ['/dashboard/vendor/uPlot.min.css', 'text/css', '.uplot'],
    ])('serves %s (%s) from the repository or node_modules', async (url, type, sample) => {
      const res = await request(t.url).get(url).expect(200);
      expect(res.headers['content-type']).toBe(`${type}; charset=utf-8`);
      expect(res.text).toContain(sample);
    });

    it.each([
      '/dashboard/nothing.js',
      '/dashboard/vendor/phoenix.js',
      '/dashboard/..%2Fdashboard.module.ts',
      '/dashboard/vendor/..%2F..%2F..%2Fpackage.json',
      '/dashboard/__proto__',
    ])('answers anything else (%s) with the JSON 404', async (url) => {
      const res = await request(t.url).get(url).expect(404);
      expect(res.body).toEqual({ errors: { detail: 'Not Found' } });
    });
  });

  describe('admin:dashboard', () => {
    it.each([
      ['a wrong token', 'not-the-admin-token-0123456789'],
      ['no token', undefined],
    ])('refuses the join with %s ("unauthorized")', async (_what, token) => {
      const socket = await dashboardSocket(t, token);
      const channel = socket.channel('admin:dashboard', {});
      await expect(join(channel)).rejects.toEqual(
        new ReplyError('error', { reason: 'unauthorized' }),
      );
    });

    it('refuses the sockets of the products (a rally player)', async () => {
      const player = await createPlayer(t.url, 'any-bearer-outside-production');
      const socket = await connect(t.socketUrl, { params: { userToken: player } });
      await expect(join(socket.channel('admin:dashboard', {}))).rejects.toEqual(
        new ReplyError('error', { reason: 'unauthorized' }),
      );
    });

    it('pushes a snapshot at once, then every second, from one timer that stops when nobody watches', async () => {
      const feed = t.app.get(DashboardFeed);
      const socket = await dashboardSocket(t, ADMIN_API_TOKEN);
      const channel = socket.channel('admin:dashboard', {});
      const snapshots = collect<DashboardSnapshot>(channel, 'snapshot');
      await join(channel);
      expect(feed.running).toBe(true);
      await waitFor(() => snapshots.length >= 1, 2000, 'the first snapshot');
      const [first] = snapshots;
      expect(first.nodes).toHaveLength(1);
      const [node] = first.nodes;
      expect(first.node).toBe(node.name);
      expect(first.cluster).toBe('nestling');
      expect(node.bus).toMatchObject({ backend: 'local', connected: true, gaps: 0 });
      expect(node.uptime_s).toBeGreaterThanOrEqual(0);
      expect(node.memory.rss).toBeGreaterThan(node.memory.heap_used);
      expect(node.db.idle + node.db.busy).toBeGreaterThanOrEqual(1);
      expect(node.db.waiting).toBe(0);
      expect(first.connections.websocket).toBeGreaterThanOrEqual(1);
      // The next ones come from the timer, with rates from counter deltas.
      await waitFor(() => snapshots.length >= 3, 5000, 'two more snapshots');
      const latest = snapshots[snapshots.length - 1];
      expect(latest.at).toBeGreaterThan(first.at);
      expect(latest.channels.admin).toBeGreaterThanOrEqual(1);
      expect(latest.top_topics).toContainEqual({ topic: 'admin:dashboard', subscribers: 1 });
      for (const rate of Object.values(latest.rates)) expect(typeof rate).toBe('number');
      expect(latest.rates.frames_out).toBeGreaterThan(0);
      await leave(channel);
      await waitFor(() => !feed.running, 3000, 'the timer to stop');
    });

    it('lists refused joins among the events, and never logs the admin token', async () => {
      const refused = await dashboardSocket(t, 'not-the-admin-token-0123456789');
      await expect(join(refused.channel('admin:dashboard', {}))).rejects.toBeInstanceOf(ReplyError);
      const socket = await dashboardSocket(t, ADMIN_API_TOKEN);
      const channel = socket.channel('admin:dashboard', {});
      const snapshots = collect<DashboardSnapshot>(channel, 'snapshot');
      await join(channel);
      await waitFor(() => snapshots.length >= 1, 2000, 'a snapshot');
      expect(snapshots[0].events).toContainEqual(
        expect.objectContaining({ kind: 'join_refused', topic: 'admin', reason: 'unauthorized' }),
      );
      expect(snapshots[0].events[0].node).toBe(snapshots[0].node);
      expect(t.logText()).not.toContain(ADMIN_API_TOKEN);
      expect(t.logText()).not.toContain(
        Buffer.from(ADMIN_API_TOKEN).toString('base64').slice(0, 20),
      );
    });
  });
});

describe('dashboard: a server without ADMIN_API_TOKEN', () => {
  let t: TestApp;

  beforeAll(async () => {
    t = await startTestApp({});
  });

  afterAll(async () => {
    await disconnectAll();
    await t?.close();
  });

  it('stays closed, and says why', async () => {
    const socket = await dashboardSocket(t, 'any-token-at-all-0123456789');
    await expect(join(socket.channel('admin:dashboard', {}))).rejects.toEqual(
      new ReplyError('error', { reason: 'ADMIN_API_TOKEN is not set' }),
    );
  });
});
