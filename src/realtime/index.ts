// The realtime layer's public surface: what feature modules use.
export { RealtimeModule } from './realtime.module.js';
export { RealtimeEndpoint } from './realtime-endpoint.js';
export {
  Channel,
  Join,
  On,
  Outgoing,
  Terminate,
  InvalidPayload,
  Authenticator,
} from './channels/channel.decorators.js';
export {
  p,
  PayloadSchema,
  PAYLOAD_MESSAGES,
  type PayloadIssue,
  type PayloadOf,
} from './channels/payload-schema.js';
export { issuesByField } from './channels/payload-check.js';
export { ChannelContext, type TerminateReason } from './channels/channel-context.js';
export { SocketInfo } from './channels/socket-info.js';
export { ok, error, reply, noReply, binary, Reply, ChannelReplyError } from './channels/reply.js';
export { Binary, EncodedJson, PHX } from './transport/message.js';
export {
  accept,
  refuse,
  type ConnectRequest,
  type ConnectResult,
  type SocketAuthenticator,
} from './transport/socket-authenticator.js';
export { Presence, PRESENCE_DIFF, PRESENCE_STATE } from './presence/presence.service.js';
export { PubSub } from './pubsub/pubsub.js';
export { PhoenixWsAdapter } from './transport/phoenix-ws.adapter.js';
export {
  RealtimeStats,
  type RealtimeSnapshot,
  type TopicStats,
} from './telemetry/realtime-stats.js';
export type { RecentEvent } from './telemetry/recent-events.js';
export type { TransportCounts, TransportName } from './telemetry/realtime-counters.js';
export {
  ClusterBus,
  type BusStatus,
  type BusTraffic,
  type NodeIdentity,
} from './cluster/cluster-bus.js';
export type { TopicSize } from './pubsub/pubsub.js';
