import { createServer, type Server } from 'node:http';
import type { AddressInfo, Socket } from 'node:net';
import { WebSocket, WebSocketServer } from 'ws';
import { isMain, runPeer, type RunningPeer } from './main-guard.js';

/**
 * The plain `ws` peer: `{"type":"broadcast",…}` from any client goes to every client (sender
 * included) as the very bytes received; `{"type":"ping","seq":n}` is answered with
 * `{"type":"pong","seq":n}`. Like Nestling, each socket is written at most once per event-loop
 * turn (corked on its first frame of a turn, all uncorked in one setImmediate).
 */
export async function start(port = 0): Promise<RunningPeer> {
  const server: Server = createServer((_req, res) => res.writeHead(404).end());
  const wss = new WebSocketServer({ server, path: '/', perMessageDeflate: false });
  const corked = new Set<Socket>();
  let flushScheduled = false;
  const flush = () => {
    flushScheduled = false;
    for (const socket of corked) socket.uncork();
    corked.clear();
  };
  const write = (ws: WebSocket, data: Buffer | string) => {
    const raw = (ws as unknown as { _socket?: Socket })._socket;
    if (raw !== undefined && !corked.has(raw)) {
      raw.cork();
      corked.add(raw);
      if (!flushScheduled) {
        flushScheduled = true;
        setImmediate(flush);
      }
    }
    ws.send(data, { binary: false, compress: false });
  };

  wss.on('connection', (ws) => {
    ws.on('error', () => ws.terminate());
    ws.on('message', (data: Buffer, isBinary) => {
      if (isBinary) return;
      let message: { type?: unknown; seq?: unknown };
      try {
        message = JSON.parse(data.toString()) as typeof message;
      } catch {
        return;
      }
      if (message.type === 'broadcast') {
        for (const client of wss.clients) {
          if (client.readyState === WebSocket.OPEN) write(client, data);
        }
      } else if (message.type === 'ping') {
        write(ws, JSON.stringify({ type: 'pong', seq: message.seq }));
      }
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
        for (const client of wss.clients) client.terminate();
        wss.close();
        server.close(() => resolve());
      }),
  };
}

if (isMain(import.meta.url)) runPeer(start);
