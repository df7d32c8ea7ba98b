import type { WebSocket } from 'ws';
import type { Connection } from './connection.js';
import type { Frame } from './message.js';
import type { Transport } from './transport.js';
import type { WriteBatcher } from './write-batcher.js';

const CONNECTION = Symbol('nestling:connection');
type BoundWebSocket = WebSocket & { [CONNECTION]: Connection };
const connectionOf = (ws: WebSocket): Connection => (ws as BoundWebSocket)[CONNECTION];

function onMessage(this: WebSocket, data: Buffer, isBinary: boolean): void {
  connectionOf(this).receive(data, isBinary);
}

function onPing(this: WebSocket): void {
  connectionOf(this).touch();
}

function onClose(this: WebSocket, code: number): void {
  connectionOf(this).transportClosed(code);
}

function onError(this: WebSocket, err: Error): void {
  const connection = connectionOf(this);
  connection.logger.debug(`socket error from ${connection.socket.remoteAddress}: ${err.message}`);
}

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

  /**
   * Routes the socket's frames, pings and close to `connection`. The listeners are shared by
   * every socket (they find their connection on the WebSocket): no closures per connection.
   */
  bind(connection: Connection): void {
    (this.ws as BoundWebSocket)[CONNECTION] = connection;
    this.ws.on('message', onMessage);
    this.ws.on('ping', onPing);
    this.ws.on('close', onClose);
    this.ws.on('error', onError);
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
