import { Module } from '@nestjs/common';
import { DiscoveryModule } from '@nestjs/core';
import { ChannelRegistry } from './channels/channel-registry.js';
import { Presence } from './presence/presence.service.js';
import { ClusterBus } from './cluster/cluster-bus.js';
import { clusterProviders } from './cluster/cluster.providers.js';
import { PubSub } from './pubsub/pubsub.js';
import { RealtimeEndpoint } from './realtime-endpoint.js';
import { LongPollController } from './transport/longpoll/longpoll.controller.js';
import { LongPollSessions } from './transport/longpoll/longpoll-sessions.js';
import { PhoenixGateway } from './transport/phoenix.gateway.js';
import { SocketHandshake } from './transport/socket-handshake.js';
import { RealtimeCounters } from './telemetry/realtime-counters.js';
import { RealtimeStats } from './telemetry/realtime-stats.js';

/**
 * Phoenix Channels at /socket/websocket and /socket/longpoll. Feature modules import it to inject RealtimeEndpoint
 * and Presence (operators' tools: RealtimeStats), and declare @Channel classes and @Authenticator providers of their own, which
 * are discovered wherever they are provided. Needs `app.useWebSocketAdapter(new
 * PhoenixWsAdapter(app))`.
 */
@Module({
  imports: [DiscoveryModule],
  controllers: [LongPollController],
  providers: [
    RealtimeCounters,
    RealtimeStats,
    ChannelRegistry,
    SocketHandshake,
    ...clusterProviders,
    RealtimeEndpoint,
    Presence,
    PhoenixGateway,
    LongPollSessions,
  ],
  exports: [RealtimeEndpoint, Presence, PubSub, ClusterBus, RealtimeStats],
})
export class RealtimeModule {}
