import { randomBytes } from 'node:crypto';
import {
  embeddedPostgres,
  type ManagedProcess,
  repinDescendants,
  type RunningServer,
  startNestling,
} from './processes.js';
import { type RunningRedis, startRedis } from './redis-server.js';
import type { CompanionMeasure } from './types.js';

/**
 * Where the cross-node fan-out's processes run when pinned (2 CPUs): node B, which holds the
 * 1,000 subscribers and is measured, alone on CPU 0 as the single-node server is; node A (the
 * publisher's node, with the embedded PostgreSQL), Redis and the load generator together on
 * CPU 1. Node A handles 50 pushes/s and Redis relays 50 messages/s: little beside the
 * generator, which receives the 50,000 deliveries/s.
 */
export const CROSS_NODE_CPUS = { receiver: 0, publisher: 1, redis: 1 } as const;

/** A process of the cluster other than the measured node. */
export interface Companion {
  role: CompanionMeasure['role'];
  proc: ManagedProcess;
}

export interface CrossNodeCluster {
  /** Node B: the subscribers' node, the one measured (the phase's server). */
  receiver: RunningServer;
  /** Node A: the publisher's node. */
  publisher: RunningServer;
  redis: RunningRedis;
  /** Node A and Redis, in the order they are stopped after node B. */
  companions: Companion[];
  /** CLUSTER_NAME of this run. */
  cluster: string;
}

export interface CrossNodeOptions {
  /** DATA_DIR of both nodes (node A's embedded PostgreSQL and the generated secrets). */
  dataDir: string;
  /** Pin as CROSS_NODE_CPUS says. */
  pin: boolean;
  /** Where node A's embedded PostgreSQL runs when pinning (default: CPU 1, with node A). */
  dbCpus?: string;
  /** Both nodes on this PostgreSQL instead of node A's embedded one (the orchestrator's tests). */
  databaseUrl?: string;
}

/**
 * Redis of its own on a free port, then node A (which starts the embedded PostgreSQL and
 * migrates), then node B on node A's database; both with that REDIS_URL, a fresh CLUSTER_NAME
 * and their NODE_NAME. When one fails to start, what did start is stopped.
 */
export async function startCrossNode(options: CrossNodeOptions): Promise<CrossNodeCluster> {
  const cpu = (role: keyof typeof CROSS_NODE_CPUS) =>
    options.pin ? CROSS_NODE_CPUS[role] : undefined;
  const cluster = `bench-${Date.now().toString(36)}-${randomBytes(3).toString('hex')}`;
  const started: ManagedProcess[] = [];
  try {
    const redis = await startRedis({ cpu: cpu('redis') });
    started.push(redis.proc);
    const env = (node: string) => ({
      REDIS_URL: redis.url,
      CLUSTER_NAME: cluster,
      NODE_NAME: node,
    });
    const publisher = await startNestling({
      name: 'nestling node A',
      dataDir: options.dataDir,
      databaseUrl: options.databaseUrl,
      env: env('node-a'),
      cpu: cpu('publisher'),
    });
    started.unshift(publisher.proc);
    if (options.pin && options.dbCpus && options.dbCpus !== String(CROSS_NODE_CPUS.publisher)) {
      repinDescendants(publisher.proc.pid, options.dbCpus);
    }
    const receiver = await startNestling({
      name: 'nestling node B',
      dataDir: options.dataDir,
      databaseUrl: options.databaseUrl ?? embeddedPostgres(options.dataDir, publisher.pgPort!).url,
      env: env('node-b'),
      cpu: cpu('receiver'),
    });
    return {
      receiver,
      publisher,
      redis,
      cluster,
      companions: [
        { role: 'publisher node', proc: publisher.proc },
        { role: 'redis', proc: redis.proc },
      ],
    };
  } catch (error) {
    for (const proc of started) await proc.stop(10_000);
    throw error;
  }
}
