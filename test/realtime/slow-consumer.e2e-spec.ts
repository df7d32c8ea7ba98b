/**
 * A client that stops reading cannot make the server buffer without limit (issue 11): against
 * the built server as a real process (`npx nest build` first), so that its RSS is its own.
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { freePort } from '../support/free-port.js';
import { residentBytes } from '../support/process-memory.js';
import { RawSocket } from '../support/raw-socket.js';
import { startServerProcess } from '../support/server-process.js';
import { createTestDatabase, dropTestDatabase } from '../support/test-database.js';

const MAX_BUFFERED_BYTES = 1024 * 1024;
/**
 * RSS the flood may add besides the buffered bytes: the garbage of the echoes in flight (the
 * kernel's socket buffers take several MiB before any byte counts as unsent). Measured: 15 to
 * 22 MiB with the bound; over 100 MiB without it.
 */
const RSS_ALLOWANCE = 40 * 1024 * 1024;
/** 256 KiB echoes; unbounded, 400 of them would keep 100 MiB queued for the socket. */
const PAYLOAD = { data: 'p'.repeat(256 * 1024) };
const MAX_PINGS = 400;
const PINGS_PER_ROUND = 4;
const JSON_API = 'application/vnd.api+json';
const ok = (response: unknown) => ({ status: 'ok', response });

/** An anonymous stamp-rally player; its id is its socket credential (`userToken`). */
async function createPlayer(baseUrl: string): Promise<string> {
  const res = await fetch(`${baseUrl}/api/json/accounts/users`, {
    method: 'POST',
    headers: { accept: JSON_API, 'content-type': JSON_API, authorization: 'Bearer any' },
    body: JSON.stringify({ data: { type: 'user', attributes: {} } }),
  });
  if (res.status !== 201) throw new Error(`player not created: HTTP ${res.status}`);
  return ((await res.json()) as { data: { id: string } }).data.id;
}

describe('a WebSocket client that stops reading', () => {
  it('is closed past WS_MAX_BUFFERED_BYTES; RSS stays bounded and other sockets are served', async () => {
    const databaseUrl = await createTestDatabase();
    const port = await freePort();
    const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'nestling-slow-'));
    const server = startServerProcess({
      NODE_ENV: 'test',
      BCRYPT_COST: '4',
      LOG_FORMAT: 'json',
      PORT: String(port),
      DATA_DIR: dataDir,
      DATABASE_URL: databaseUrl,
      WS_MAX_BUFFERED_BYTES: String(MAX_BUFFERED_BYTES),
    });
    const pid = server.child.pid!;
    const sockets: RawSocket[] = [];
    try {
      await server.waitFor(/Nestling listening on/);
      const socketUrl = `ws://127.0.0.1:${port}/socket`;
      const connect = async () => {
        const userToken = await createPlayer(`http://127.0.0.1:${port}`);
        const socket = await RawSocket.connect(socketUrl, { query: { userToken } });
        sockets.push(socket);
        return socket;
      };
      const honest = await connect();
      const slow = await connect();
      expect(await slow.request(['1', '1', 'notifications', 'phx_join', {}])).toEqual([
        '1',
        '1',
        'notifications',
        'phx_reply',
        ok({}),
      ]);
      const ping = (ref: string) => ['1', ref, 'notifications', 'ping', PAYLOAD];
      // Warm up the echo path while the client still reads, then take the baseline.
      for (let i = 0; i < 8; i++) slow.send(ping(`warm${i}`));
      for (let echoed = 0; echoed < 8;) {
        const frame = (await slow.next(5000)) as unknown[];
        if (frame[3] !== 'phx_reply') continue; // presence_state, presence_diff
        expect(frame).toEqual(['1', `warm${echoed++}`, 'notifications', 'phx_reply', ok(PAYLOAD)]);
      }
      const baseline = residentBytes(pid);

      (slow.ws as unknown as { _socket: { pause(): void } })._socket.pause();
      let peak = baseline;
      let pings = 0;
      while (slow.isOpen && pings < MAX_PINGS) {
        for (let i = 0; i < PINGS_PER_ROUND; i++) slow.send(ping(String(++pings)));
        slow.send([null, `hb${pings}`, 'phoenix', 'heartbeat', {}]);
        await honest.heartbeat(`honest${pings}`); // a bounded wait (2 s) for each reply
        peak = Math.max(peak, residentBytes(pid));
      }
      const close = await slow.closed(5000);
      // The client sees the close frame (1008) or, as it is not reading, only the TCP reset (1006);
      // the server's log line says which code it closed with.
      expect([1006, 1008]).toContain(close.code);
      await honest.heartbeat('after');
      peak = Math.max(peak, residentBytes(pid));

      expect(peak - baseline).toBeLessThan(MAX_BUFFERED_BYTES + RSS_ALLOWANCE);
      await server.waitFor(
        /slow consumer \(websocket\) from 127\.0\.0\.1: \d+ bytes unsent, over 1048576; closed with 1008/,
        5000,
      );
    } finally {
      for (const socket of sockets) socket.ws.terminate();
      if (server.child.exitCode === null) process.kill(pid, 'SIGKILL');
      await server.exited();
      await dropTestDatabase(databaseUrl);
      fs.rmSync(dataDir, { recursive: true, force: true });
    }
  }, 120_000);
});
