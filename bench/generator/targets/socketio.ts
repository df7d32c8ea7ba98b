import { io, type Socket } from 'socket.io-client';
import type { Options } from '../options.js';
import { probeObject, probeOf } from '../probe.js';
import type { BroadcastSocket, BroadcastTarget, SocketEvents } from './target.js';

/** The socket.io 4 peer (bench/peers/socketio-server.ts): `broadcast` events, websocket only. */
export class SocketIoTarget implements BroadcastTarget {
  readonly replies = false;
  constructor(private readonly options: Options) {}

  async prepare(): Promise<void> {}

  connect(_index: number, events: SocketEvents): Promise<BroadcastSocket> {
    const { payloadBytes } = this.options;
    return new Promise((resolve, reject) => {
      const socket: Socket = io(this.options.url, {
        transports: ['websocket'],
        reconnection: false,
        forceNew: true,
        timeout: 10_000,
        // engine.io-client hands this to `ws`; false (missing from its types) turns it off.
        perMessageDeflate: false as unknown as { threshold: number },
      });
      let closing = false;
      socket.once('connect_error', (error) => {
        socket.close();
        reject(error);
      });
      socket.once('connect', () => {
        socket.on('disconnect', () => closing || events.closed());
        socket.on('broadcast', (payload: unknown) => {
          const probe = probeOf(payload);
          if (probe) events.probe(probe);
        });
        resolve({
          send: (s, seq, t) => {
            if (socket.connected) socket.emit('broadcast', probeObject(s, seq, t, payloadBytes));
          },
          close: () => {
            closing = true;
            socket.close();
          },
        });
      });
    });
  }

  keepAlive(): () => void {
    return () => undefined; // socket.io's own ping/pong does it
  }
}
