import type { IncomingMessage } from 'node:http';
import { type OnGatewayConnection, WebSocketGateway } from '@nestjs/websockets';
import type { WebSocket } from 'ws';
import { RealtimeEndpoint } from '../realtime-endpoint.js';
import { HANDSHAKE, type UpgradedRequest } from './phoenix-ws.adapter.js';

/** The socket mount: WebSocket connections at /socket/websocket go to the endpoint. */
@WebSocketGateway({ path: '/socket/websocket' })
export class PhoenixGateway implements OnGatewayConnection<WebSocket> {
  constructor(private readonly endpoint: RealtimeEndpoint) {}

  handleConnection(ws: WebSocket, req: IncomingMessage): void {
    const upgraded = req as UpgradedRequest;
    const handshake = upgraded[HANDSHAKE];
    delete upgraded[HANDSHAKE]; // keep no reference to the request
    if (handshake === undefined) {
      ws.close(1011, 'no handshake');
      return;
    }
    this.endpoint.acceptWebSocket(ws, handshake);
  }
}
