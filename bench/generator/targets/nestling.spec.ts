import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import fs from 'node:fs';
import type { AddressInfo } from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { WebSocketServer } from 'ws';
import { parseOptions } from '../options.js';
import { NestlingTarget } from './nestling.js';

/**
 * A stand-in for Nestling's socket: answers every `phx_join` ok, and when its payload asks for
 * presence sends `presence_state` 300 ms later; remembers the join payloads.
 */
let server: WebSocketServer;
const joins: unknown[] = [];
const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'nestling-target-'));

beforeAll(async () => {
  server = new WebSocketServer({ port: 0, host: '127.0.0.1' });
  await new Promise((resolve) => server.once('listening', resolve));
  server.on('connection', (ws) => {
    ws.on('message', (data: Buffer) => {
      const [joinRef, ref, topic, event, payload] = JSON.parse(String(data)) as [
        string, string, string, string, { config?: { presence?: { enabled?: boolean } } },
      ]; // prettier-ignore
      if (event !== 'phx_join') return;
      joins.push(payload);
      ws.send(JSON.stringify([joinRef, ref, topic, 'phx_reply', { status: 'ok', response: {} }]));
      if (payload.config?.presence?.enabled) {
        setTimeout(
          () => ws.send(JSON.stringify([joinRef, null, topic, 'presence_state', {}])),
          300,
        );
      }
    });
  });
});

afterAll(async () => {
  for (const client of server.clients) client.terminate();
  await new Promise((resolve) => server.close(resolve));
  fs.rmSync(dir, { recursive: true, force: true });
});

describe('NestlingTarget', () => {
  it('asks for presence on every tenth socket and waits for its presence_state', async () => {
    const { port } = server.address() as AddressInfo;
    const file = path.join(dir, 'players.json');
    fs.writeFileSync(file, JSON.stringify(Array.from({ length: 10 }, (_, i) => `id${i}`)));
    const options = parseOptions([
      '--target', 'nestling', '--workload', 'storm', '--url', `http://127.0.0.1:${port}`,
      '--sockets', '10', '--presence-share', '0.1', '--players-file', file,
    ]); // prettier-ignore
    const target = new NestlingTarget(options);
    await target.prepare(10);
    const events = { probe: () => undefined, replied: () => undefined, closed: () => undefined };
    const timed = async (index: number) => {
      const started = performance.now();
      const socket = await target.connect(index, events);
      socket.close();
      return performance.now() - started;
    };
    expect(await timed(0)).toBeLessThan(250); // does not ask: done at its join reply
    expect(await timed(9)).toBeGreaterThanOrEqual(290); // asks: done at its presence_state
    expect(joins).toEqual([{}, { config: { presence: { enabled: true } } }]);
  });
});
