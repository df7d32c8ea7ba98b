import type { Socket } from 'node:net';
import type { WebSocket } from 'ws';
import type { Frame } from './message.js';
import { wireBytes } from './wire-frame.js';

/**
 * Writes frames to WebSockets as prepared bytes, and each socket at most twice per event-loop
 * turn. On these machines most of the CPU of a fan-out is the kernel's, one write per frame:
 *
 * - a frame's WebSocket bytes are built once (`wireBytes`), however many sockets get it, and
 *   written to the TCP socket as one chunk, without `ws`'s per-send framing (`ws` is configured
 *   without compression, so its sender never queues: bytes written here and its own control
 *   frames keep their order);
 * - a socket's first frame of a turn is written at once (one system call, the common case of a
 *   fan-out); from its second frame on the socket is corked, and every corked socket is
 *   uncorked together in one setImmediate (a burst leaves in one writev).
 *
 * A socket's unsent bytes are checked on its first frame of a turn, once the earlier turns'
 * frames were offered to the kernel: what is left then is what the client is not taking. (During
 * a turn everything written waits for the uncork, so a burst to a reading client is no sign.)
 */
export class WriteBatcher {
  /** Sockets written this turn. */
  private readonly written = new Set<Socket>();
  /** Sockets that got a second frame this turn: uncorked at the end of it. */
  private readonly corked: Socket[] = [];
  private scheduled = false;

  /** Sends `frame`; false, sending nothing, when `ws` holds more than `maxBufferedBytes`. */
  write(ws: WebSocket, frame: Frame, maxBufferedBytes: number): boolean {
    const raw = (ws as unknown as { _socket?: Socket })._socket;
    if (raw === undefined) {
      ws.send(frame.data, { binary: frame.binary, compress: false });
      return true;
    }
    if (!this.written.has(raw)) {
      if (ws.bufferedAmount > maxBufferedBytes) return false;
      this.written.add(raw);
      if (!this.scheduled) {
        this.scheduled = true;
        setImmediate(this.flush);
      }
    } else if (raw.writableCorked === 0) {
      raw.cork();
      this.corked.push(raw);
    }
    raw.write(wireBytes(frame));
    return true;
  }

  private readonly flush = (): void => {
    this.scheduled = false;
    this.written.clear();
    const corked = this.corked.splice(0);
    for (const socket of corked) socket.uncork();
  };
}
