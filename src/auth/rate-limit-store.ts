import { Inject, Injectable, Logger, type OnModuleDestroy } from '@nestjs/common';
import { Redis } from 'ioredis';
import {
  type RateLimiterAbstract,
  RateLimiterMemory,
  RateLimiterRedis,
} from 'rate-limiter-flexible';
import { RateLimitedLog } from '../common/logging/rate-limited-log.js';
import { CONFIG, type Config } from '../config/config.js';

export interface LimiterOptions {
  /** Part of every key (`<CLUSTER_NAME>:ratelimit:<name>:…`). */
  name: string;
  points: number;
  durationSeconds: number;
}

/**
 * Where the HTTP rate limits count. With REDIS_URL, in Redis (rate-limiter-flexible's
 * RateLimiterRedis), so that every node of the cluster counts together; keys start with
 * CLUSTER_NAME. Without, in this process's memory, as on one node.
 *
 * One ioredis client for every limiter, of its own rather than the ClusterBus's: the bus keeps
 * its connections to itself (its contract is publish and send, not a Redis client), a Lua call
 * queued behind a burst of broadcasts on the publisher would slow logins (and the reverse), and
 * the limiter's client has its own failure policy. That policy: no offline queue, a short
 * command timeout, and an in-memory insurance limiter, so that while Redis is unreachable the
 * limits count per node instead of failing requests (a warning says so, at most every 5 s).
 */
@Injectable()
export class RateLimitStore implements OnModuleDestroy {
  private readonly logger = new Logger('RateLimit');
  private readonly warnings = new RateLimitedLog((line) => this.logger.warn(line), 5000);
  private readonly redis: Redis | undefined;
  private readonly prefix: string;
  /** Redis was lost: the insurance (in-memory) limiters count meanwhile. */
  private degraded = false;
  private closing = false;

  constructor(@Inject(CONFIG) config: Config) {
    const { redisUrl, name, nodeName } = config.cluster;
    this.prefix = `${name}:ratelimit`;
    if (redisUrl === undefined) return;
    this.redis = new Redis(redisUrl, {
      connectionName: `${name}:${nodeName}:ratelimit`,
      enableOfflineQueue: false,
      maxRetriesPerRequest: 0,
      commandTimeout: 1000,
      retryStrategy: (attempt: number) => Math.min(100 * attempt, 1000),
    });
    this.redis.on('error', (error: Error) =>
      this.warnings.log(() => `rate limit store: redis: ${error.message}`),
    );
    this.redis.on('close', () => {
      if (this.closing || this.degraded) return;
      this.degraded = true;
      this.logger.warn('rate limit store: redis unreachable, the limits count per node meanwhile');
    });
    this.redis.on('ready', () => {
      if (!this.degraded) return;
      this.degraded = false;
      this.logger.log('rate limit store: redis is back, the limits count cluster-wide again');
    });
  }

  /** A limiter of `points` per `durationSeconds` per key. */
  limiter({ name, points, durationSeconds }: LimiterOptions): RateLimiterAbstract {
    const memory = new RateLimiterMemory({ points, duration: durationSeconds });
    if (this.redis === undefined) return memory;
    return new RateLimiterRedis({
      storeClient: this.redis,
      keyPrefix: `${this.prefix}:${name}`,
      points,
      duration: durationSeconds,
      rejectIfRedisNotReady: true,
      insuranceLimiter: memory,
    });
  }

  onModuleDestroy(): void {
    this.closing = true;
    // Counts in flight are best effort anyway: no need to wait for replies at shutdown.
    this.redis?.disconnect();
  }
}
