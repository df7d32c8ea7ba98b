import { afterEach, describe, expect, it } from '@jest/globals';
import { io, type Socket } from 'socket.io-client';
import { WebSocket } from 'ws';
import type { RunningPeer } from './main-guard.js';
import { start as startSocketIo } from './socketio-server.js';
import { start as startUws } from './uws-server.js';
import { start as startWs } from './ws-server.js';

let peer: RunningPeer | undefined;
afterEach(async () => {
  await peer?.close();
  peer = undefined;
});

const waitFor = async (condition: () => boolean, timeoutMs = 3000) => {
  const deadline = Date.now() + timeoutMs;
  while (!condition()) {
    if (Date.now() > deadline) throw new Error('timed out');
    await new Promise((resolve) => setTimeout(resolve, 5));
  }
};

describe.each([
  ['ws peer', startWs],
  ['uWebSockets.js peer', startUws],
])('%s', (_name, startPeer) => {
  it('broadcasts each message once to every client, sender included, as sent', async () => {
    peer = await startPeer(0);
    const clients = await Promise.all(
      [0, 1, 2].map(
        () =>
          new Promise<WebSocket>((resolve, reject) => {
            const ws = new WebSocket(`ws://127.0.0.1:${peer!.port}/`);
            ws.once('open', () => resolve(ws));
            ws.once('error', reject);
          }),
      ),
    );
    const received: string[][] = clients.map(() => []);
    clients.forEach((ws, i) => ws.on('message', (data: Buffer) => received[i].push(String(data))));

    const messages = [1, 2, 3].map((n) => JSON.stringify({ type: 'broadcast', payload: { n } }));
    for (const message of messages) clients[0].send(message);
    clients[1].send(JSON.stringify({ type: 'ping', seq: 7 }));
    await waitFor(() => received.flat().length === 3 * 3 + 1);

    expect(received[0]).toEqual(messages);
    expect([...received[1]].sort(byPong)).toEqual([...messages, '{"type":"pong","seq":7}']);
    expect(received[2]).toEqual(messages);
    clients.forEach((ws) => ws.close());
  });
});

/** The pong may come before or after the broadcasts: compare as sets. */
const byPong = (a: string, b: string) => Number(a.includes('pong')) - Number(b.includes('pong'));

describe('socket.io peer', () => {
  it('broadcasts to every client, sender included, and acks ping', async () => {
    peer = await startSocketIo(0);
    const clients = await Promise.all(
      [0, 1, 2].map(
        () =>
          new Promise<Socket>((resolve, reject) => {
            const socket = io(`http://127.0.0.1:${peer!.port}`, {
              transports: ['websocket'],
              reconnection: false,
              forceNew: true,
            });
            socket.once('connect', () => resolve(socket));
            socket.once('connect_error', reject);
          }),
      ),
    );
    const received: unknown[][] = clients.map(() => []);
    clients.forEach((socket, i) => socket.on('broadcast', (p: unknown) => received[i].push(p)));

    for (const n of [1, 2, 3]) clients[2].emit('broadcast', { n });
    const ack = await clients[1].timeout(3000).emitWithAck('ping', { seq: 7 });
    await waitFor(() => received.flat().length === 9);

    expect(ack).toEqual({ seq: 7 });
    for (const list of received) expect(list).toEqual([{ n: 1 }, { n: 2 }, { n: 3 }]);
    clients.forEach((socket) => socket.close());
  });
});
