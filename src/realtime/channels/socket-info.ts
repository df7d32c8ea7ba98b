/** Facts about one connection, shared by all its channels. */
export class SocketInfo<P = unknown> {
  private ownAssigns: Map<string, unknown> | undefined;

  constructor(
    /** What the authenticator accepted: a user, a player, … */
    readonly principal: P,
    /** Sockets sharing an id are closed together by RealtimeEndpoint.disconnect(id). */
    readonly id: string | undefined,
    readonly vsn: string,
    readonly transport: 'websocket' | 'longpoll',
    readonly remoteAddress: string,
  ) {}

  /** Per-socket state any channel may read and write (Phoenix's socket assigns); made on use. */
  get assigns(): Map<string, unknown> {
    return (this.ownAssigns ??= new Map());
  }
}
