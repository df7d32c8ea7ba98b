import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { Server } from 'socket.io';
import { isMain, runPeer, type RunningPeer } from './main-guard.js';

/**
 * The socket.io 4 peer: `broadcast` (payload) → `io.emit('broadcast', payload)` to every client,
 * sender included; `ping` (payload, ack) → `ack(payload)`. WebSocket transport only, no
 * compression of any kind.
 */
export async function start(port = 0): Promise<RunningPeer> {
  const server = createServer();
  const io = new Server(server, {
    transports: ['websocket'],
    perMessageDeflate: false,
    httpCompression: false,
    serveClient: false,
  });
  io.on('connection', (socket) => {
    socket.on('broadcast', (payload: unknown) => {
      io.emit('broadcast', payload);
    });
    socket.on('ping', (payload: unknown, ack?: unknown) => {
      if (typeof ack === 'function') (ack as (reply: unknown) => void)(payload);
    });
  });

  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, () => resolve());
  });
  return {
    port: (server.address() as AddressInfo).port,
    close: () =>
      new Promise<void>((resolve) => {
        io.disconnectSockets(true);
        void io.close(() => resolve());
      }),
  };
}

if (isMain(import.meta.url)) runPeer(start);
