import type { WebSocket } from 'ws';
import type { Connection } from './connection.js';
import type { Frame } from './message.js';
import type { Transport } from './transport.js';
import type { WriteBatcher } from './write-batcher.js';

/** A WebSocket as a connection's transport; its events drive the connection. */
export class WsTransport implements Transport {
  readonly binary = true;

  constructor(
    private readonly ws: WebSocket,
    private readonly batcher: WriteBatcher,
  ) {}

  get open(): boolean {
    return this.ws.readyState === this.ws.OPEN;
  }

  /** `ws`'s own queue plus the net.Socket's writable buffer (corked frames included). */
  get bufferedBytes(): number {
    return this.ws.bufferedAmount;
  }

  /** Routes the socket's frames, pings and close to `connection`. */
  bind(connection: Connection): void {
    this.ws.on('message', (data: Buffer, isBinary: boolean) => connection.receive(data, isBinary));
    this.ws.on('ping', () => connection.touch());
    this.ws.on('close', (code: number) => connection.transportClosed(code));
    this.ws.on('error', (err) =>
      connection.logger.debug(
        `socket error from ${connection.socket.remoteAddress}: ${err.message}`,
      ),
    );
  }

  write(frame: Frame, maxBufferedBytes: number): boolean {
    return this.batcher.write(this.ws, frame, maxBufferedBytes);
  }

  close(code: number, reason: string): void {
    if (this.ws.readyState === this.ws.OPEN || this.ws.readyState === this.ws.CONNECTING)
      this.ws.close(code, reason);
  }

  /**
   * Queues the close frame, then destroys the TCP socket: a client that stopped reading would
   * never read the frame, and its unsent bytes are released only with the socket.
   */
  abort(code: number, reason: string): void {
    this.close(code, reason);
    this.ws.terminate();
  }
}
