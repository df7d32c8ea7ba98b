import type { Socket } from 'node:net';
import type { WebSocket } from 'ws';
import { type Frame, SplicedFrame } from './message.js';
import { wireBytes, wireChunks } from './wire-frame.js';

/**
 * Writes frames to WebSockets as prepared bytes, each socket at most once per event-loop turn.
 * On these machines most of the CPU of a fan-out is the kernel's, one write per frame:
 *
 * - a frame's WebSocket bytes are built once (`wireBytes`), however many sockets get it, and
 *   handed to the TCP socket as one chunk, without `ws`'s per-send framing (`ws` is configured
 *   without compression, so its sender never queues: bytes written here and its own control
 *   frames keep their order);
 * - a socket is corked on its first frame of a turn and all of them are uncorked together in
 *   one setImmediate: a turn's frames to one socket leave in one system call. (Writing the
 *   first frame of a turn at once and corking only from the second was measured too: it cost
 *   20% more CPU in the fan-out and 55% more at saturation.)
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
    if (raw === undefined) {
      ws.send(frame.data, { binary: frame.binary, compress: false });
      return true;
    }
    if (!this.corked.has(raw)) {
      if (ws.bufferedAmount > maxBufferedBytes) return false;
      raw.cork();
      this.corked.add(raw);
      if (!this.scheduled) {
        this.scheduled = true;
        setImmediate(this.flush);
      }
    }
    if (frame instanceof SplicedFrame) for (const chunk of wireChunks(frame)) raw.write(chunk);
    else raw.write(wireBytes(frame));
    return true;
  }

  private readonly flush = (): void => {
    this.scheduled = false;
    for (const socket of this.corked) socket.uncork();
    this.corked.clear();
  };
}
