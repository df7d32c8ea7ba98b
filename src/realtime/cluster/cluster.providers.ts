import { randomBytes } from 'node:crypto';
import type { Provider } from '@nestjs/common';
import { CONFIG, type Config } from '../../config/config.js';
import { ClusteredPubSub } from '../pubsub/clustered-pubsub.js';
import { LocalPubSub } from '../pubsub/local-pubsub.js';
import { PubSub } from '../pubsub/pubsub.js';
import { RealtimeCounters } from '../telemetry/realtime-counters.js';
import { ClusterBus } from './cluster-bus.js';
import { LocalBus } from './local-bus.js';
import { RedisBus } from './redis-bus.js';

/**
 * The bus (Redis when REDIS_URL is set, else none) and the PubSub on it. A node with REDIS_URL
 * does not start without reaching Redis; later outages are survived (see RedisBus).
 */
export const clusterProviders: Provider[] = [
  {
    provide: ClusterBus,
    inject: [CONFIG, RealtimeCounters],
    useFactory: async (config: Config, counters: RealtimeCounters): Promise<ClusterBus> => {
      const { redisUrl, name, nodeName } = config.cluster;
      const self = { name: nodeName, boot: randomBytes(6).toString('hex') };
      if (redisUrl === undefined) return new LocalBus(self, name);
      const bus = new RedisBus({ url: redisUrl, cluster: name, self, traffic: counters.bus });
      try {
        await bus.start();
      } catch (error) {
        await bus.stop();
        throw new Error(`cannot reach REDIS_URL: ${(error as Error).message}`, { cause: error });
      }
      return bus;
    },
  },
  {
    provide: PubSub,
    inject: [ClusterBus, RealtimeCounters],
    useFactory: (bus: ClusterBus, counters: RealtimeCounters): PubSub =>
      bus.clustered ? new ClusteredPubSub(bus, counters) : new LocalPubSub(counters),
  },
];
