import { WebSocket } from 'ws';
import type { Options } from '../options.js';
import { wsBase } from '../options.js';
import { decodeProbe, encodeProbe } from '../probe.js';
import type { BroadcastSocket, BroadcastTarget, SocketEvents } from './target.js';

const BROADCAST_HEAD = '{"type":"broadcast","payload":';

/** The plain `ws` peer (bench/peers/ws-server.ts): JSON `{type, payload}` messages on `/`. */
export class WsTarget implements BroadcastTarget {
  readonly replies = false;
  constructor(private readonly options: Options) {}

  async prepare(): Promise<void> {}

  connect(_index: number, events: SocketEvents): Promise<BroadcastSocket> {
    const { payloadBytes } = this.options;
    return new Promise((resolve, reject) => {
      const ws = new WebSocket(`${wsBase(this.options.url)}/`, {
        perMessageDeflate: false,
        handshakeTimeout: 10_000,
      });
      let closing = false;
      ws.once('error', reject);
      ws.once('open', () => {
        ws.off('error', reject);
        ws.on('error', () => undefined);
        ws.on('close', () => closing || events.closed());
        ws.on('message', (data: Buffer, isBinary) => {
          if (isBinary) return;
          const text = data.toString();
          if (!text.startsWith(BROADCAST_HEAD)) return;
          const probe = decodeProbe(text, BROADCAST_HEAD.length);
          if (probe) events.probe(probe);
        });
        resolve({
          send: (s, seq, t) => {
            if (ws.readyState === WebSocket.OPEN) {
              ws.send(`${BROADCAST_HEAD}${encodeProbe(s, seq, t, payloadBytes)}}`);
            }
          },
          close: () => {
            closing = true;
            ws.terminate();
          },
        });
      });
    });
  }

  keepAlive(): () => void {
    return () => undefined;
  }
}
