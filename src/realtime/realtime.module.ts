import { Module } from '@nestjs/common';
import { DiscoveryModule } from '@nestjs/core';
import { ChannelRegistry } from './channels/channel-registry.js';
import { Presence } from './presence/presence.service.js';
import { LocalPubSub } from './pubsub/local-pubsub.js';
import { PubSub } from './pubsub/pubsub.js';
import { RealtimeEndpoint } from './realtime-endpoint.js';
import { LongPollController } from './transport/longpoll/longpoll.controller.js';
import { LongPollSessions } from './transport/longpoll/longpoll-sessions.js';
import { PhoenixGateway } from './transport/phoenix.gateway.js';
import { SocketHandshake } from './transport/socket-handshake.js';

/**
 * Phoenix Channels at /socket/websocket and /socket/longpoll. Feature modules import it to inject RealtimeEndpoint
 * and Presence, and declare @Channel classes and @Authenticator providers of their own, which
 * are discovered wherever they are provided. Needs `app.useWebSocketAdapter(new
 * PhoenixWsAdapter(app))`.
 */
@Module({
  imports: [DiscoveryModule],
  controllers: [LongPollController],
  providers: [
    ChannelRegistry,
    SocketHandshake,
    { provide: PubSub, useClass: LocalPubSub },
    RealtimeEndpoint,
    Presence,
    PhoenixGateway,
    LongPollSessions,
  ],
  exports: [RealtimeEndpoint, Presence, PubSub],
})
export class RealtimeModule {}
