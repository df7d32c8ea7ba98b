import { type BusStatus, ClusterBus, type NodeIdentity } from './cluster-bus.js';

/** One node: nobody to talk to. */
export class LocalBus extends ClusterBus {
  readonly clustered = false;

  constructor(
    readonly self: NodeIdentity,
    private readonly cluster: string,
  ) {
    super();
  }

  publish(): void {}
  send(): void {}
  on(): void {}
  onGap(): void {}

  status(): BusStatus {
    return { backend: 'local', cluster: this.cluster, node: this.self.name, connected: true };
  }
}
