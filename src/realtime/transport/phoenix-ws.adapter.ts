import type { IncomingMessage, Server } from 'node:http';
import type { Duplex } from 'node:stream';
import { type INestApplicationContext, Logger } from '@nestjs/common';
import { AbstractWsAdapter } from '@nestjs/websockets';
import { type WebSocket, WebSocketServer } from 'ws';
import { CONFIG, type Config } from '../../config/config.js';
import { isAccepted, type HandshakeAccepted, SocketHandshake } from './socket-handshake.js';

/** Where the handshake result travels from the upgrade to the gateway. */
export const HANDSHAKE = Symbol('nestling:handshake');
export type UpgradedRequest = IncomingMessage & { [HANDSHAKE]?: HandshakeAccepted };

const STATUS_TEXT: Record<number, string> = {
  400: 'Bad Request',
  403: 'Forbidden',
  404: 'Not Found',
  429: 'Too Many Requests',
  503: 'Service Unavailable',
};

function rejectUpgrade(socket: Duplex, status: number): void {
  const text = STATUS_TEXT[status] ?? 'Error';
  socket.end(`HTTP/1.1 ${status} ${text}\r\nConnection: close\r\nContent-Length: 0\r\n\r\n`);
}

/** One listener for every upgraded socket (no closure per connection). */
function destroyOnError(this: Duplex): void {
  this.destroy();
}

/**
 * The NestJS WebSocket adapter for Phoenix Channels, on `ws`, sharing the HTTP server's port.
 * A gateway's path (`/socket/websocket`) is served here: the handshake runs before the upgrade
 * (refusals are plain HTTP statuses, 403 by default), the `phoenix` subprotocol is answered when
 * offered, and frames are dispatched by the channel framework rather than @SubscribeMessage.
 */
export class PhoenixWsAdapter extends AbstractWsAdapter {
  private readonly logger = new Logger('PhoenixWsAdapter');
  private readonly servers = new Map<string, WebSocketServer>();
  private upgradeAttached = false;

  constructor(private readonly app: INestApplicationContext & { getHttpServer(): Server }) {
    super(app);
  }

  create(_port: number, options: { path?: string } = {}): WebSocketServer {
    const path = options.path ?? '/socket/websocket';
    const config = this.app.get<Config>(CONFIG);
    const server = new WebSocketServer({
      noServer: true,
      maxPayload: config.realtime.maxFrameBytes,
      perMessageDeflate: false,
      clientTracking: false,
      handleProtocols: (_offered, req) => (req as UpgradedRequest)[HANDSHAKE]?.protocol ?? false,
    });
    this.servers.set(path, server);
    this.attachUpgrade();
    return server;
  }

  override bindClientConnect(
    server: WebSocketServer,
    callback: (ws: WebSocket, req: IncomingMessage) => void,
  ): void {
    server.on('connection', callback);
  }

  /** Frames are dispatched by the channel framework, not by Nest's message handlers. */
  bindMessageHandlers(): void {}

  override async close(server: WebSocketServer): Promise<void> {
    for (const [path, s] of this.servers) if (s === server) this.servers.delete(path);
    await new Promise<void>((resolve) => server.close(() => resolve()));
  }

  private attachUpgrade(): void {
    if (this.upgradeAttached) return;
    this.upgradeAttached = true;
    const handshake = this.app.get(SocketHandshake);
    this.app.getHttpServer().on('upgrade', (req: IncomingMessage, socket: Duplex, head: Buffer) => {
      socket.on('error', destroyOnError);
      void this.upgrade(handshake, req, socket, head);
    });
  }

  private async upgrade(
    handshake: SocketHandshake,
    req: UpgradedRequest,
    socket: Duplex,
    head: Buffer,
  ) {
    const url = req.url ?? '/';
    const q = url.indexOf('?');
    const path = q < 0 ? url : url.slice(0, q);
    const server = this.servers.get(
      path.length > 1 && path.endsWith('/') ? path.slice(0, -1) : path,
    );
    const remoteAddress = req.socket.remoteAddress ?? 'unknown';
    if (server === undefined) {
      handshake.logRefusal('websocket', remoteAddress, { status: 404, reason: 'no socket here' });
      return rejectUpgrade(socket, 404);
    }
    try {
      const result = await handshake.evaluate({
        transport: 'websocket',
        search: q < 0 ? '' : url.slice(q + 1),
        origin: req.headers.origin,
        subprotocols: req.headers['sec-websocket-protocol'],
        remoteAddress,
        userAgent: req.headers['user-agent'],
      });
      if (!isAccepted(result)) return rejectUpgrade(socket, result.status); // logged by evaluate
      if (socket.destroyed) return;
      req[HANDSHAKE] = result;
      server.handleUpgrade(req, socket, head, (ws) => {
        socket.off('error', destroyOnError); // ws handles the socket's errors from here on
        server.emit('connection', ws, req);
      });
    } catch (error) {
      this.logger.error(`upgrade failed: ${error instanceof Error ? error.stack : String(error)}`);
      rejectUpgrade(socket, 400);
    }
  }
}
