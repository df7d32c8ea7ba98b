import type { Socket } from 'node:net';
import type { WebSocket } from 'ws';
import type { Frame } from './message.js';

/**
 * Writes each socket at most once per event-loop turn: a socket is corked on its first frame of
 * a turn and all of them are uncorked together in one setImmediate. On these machines most of
 * the CPU of a fan-out is the kernel's, one write per frame; this batches them (see the design
 * notes on performance).
 *
 * A socket's unsent bytes are checked on its first frame of a turn, once the earlier turns'
 * frames were offered to the kernel: what is left then is what the client is not taking. (During
 * a turn everything written waits for the uncork, so a burst to a reading client is no sign.)
 */
export class WriteBatcher {
  private readonly corked = new Set<Socket>();
  private scheduled = false;

  /** Sends `frame`; false, sending nothing, when `ws` holds more than `maxBufferedBytes`. */
  write(ws: WebSocket, frame: Frame, maxBufferedBytes: number): boolean {
    const raw = (ws as unknown as { _socket?: Socket })._socket;
    if (raw !== undefined && !this.corked.has(raw)) {
      if (ws.bufferedAmount > maxBufferedBytes) return false;
      raw.cork();
      this.corked.add(raw);
      if (!this.scheduled) {
        this.scheduled = true;
        setImmediate(this.flush);
      }
    }
    ws.send(frame.data, { binary: frame.binary, compress: false });
    return true;
  }

  private readonly flush = (): void => {
    this.scheduled = false;
    for (const socket of this.corked) socket.uncork();
    this.corked.clear();
  };
}
