import { randomBytes } from 'node:crypto';
import os from 'node:os';
import { IsInt, IsOptional, Matches, Max, Min } from 'class-validator';
import { ConfigError, type Env, validateEnv } from './env-validation.js';

class ClusterEnv {
  @IsOptional()
  @Matches(/^rediss?:\/\/\S+$/, { message: 'must be a redis:// or rediss:// URL' })
  REDIS_URL?: string;

  @IsOptional()
  @Matches(/^[A-Za-z0-9_.-]{1,64}$/, { message: 'must be 1-64 letters, digits, "_", "." or "-"' })
  CLUSTER_NAME?: string;

  @IsOptional()
  @Matches(/^[A-Za-z0-9_.-]{1,100}$/, { message: 'must be 1-100 letters, digits, "_", "." or "-"' })
  NODE_NAME?: string;

  @IsOptional() @IsInt() @Min(50) @Max(60_000) PRESENCE_HEARTBEAT_MS?: number;
  @IsOptional() @IsInt() @Min(100) @Max(600_000) PRESENCE_DOWN_MS?: number;
  @IsOptional() @IsInt() @Min(0) @Max(600_000) SHUTDOWN_DRAIN_MS?: number;
}

export interface ClusterConfig {
  /** The Redis backplane; undefined: one node, everything in process. */
  redisUrl: string | undefined;
  /** Nodes sharing REDIS_URL and CLUSTER_NAME form one cluster; every Redis key starts with it. */
  name: string;
  /** This node's name, unique in the cluster (logs, /health/ready). */
  nodeName: string;
  /** How often a node announces its presence changes (and that it is alive). */
  presenceHeartbeatMs: number;
  /** A node silent for this long counts as dead: its presences leave everywhere. */
  presenceDownMs: number;
  /** On SIGTERM, sockets are closed with 1012 in batches spread over this long. */
  drainMs: number;
}

/** Host name, pid and a random suffix: unique even for two nodes started on one host. */
function defaultNodeName(): string {
  const host =
    os
      .hostname()
      .replace(/[^A-Za-z0-9_.-]/g, '-')
      .slice(0, 60) || 'node';
  return `${host}-${process.pid}-${randomBytes(3).toString('hex')}`;
}

export function clusterConfig(env: Env, shutdownTimeoutMs: number): ClusterConfig {
  const e = validateEnv(ClusterEnv, env);
  const presenceHeartbeatMs = e.PRESENCE_HEARTBEAT_MS ?? 1500;
  const presenceDownMs = e.PRESENCE_DOWN_MS ?? 10_000;
  if (presenceDownMs < 2 * presenceHeartbeatMs) {
    throw new ConfigError(
      'PRESENCE_DOWN_MS',
      `must be at least twice PRESENCE_HEARTBEAT_MS (${presenceHeartbeatMs}) (got ${presenceDownMs})`,
    );
  }
  const drainMs = e.SHUTDOWN_DRAIN_MS ?? Math.min(2000, Math.floor(shutdownTimeoutMs / 2));
  if (drainMs >= shutdownTimeoutMs) {
    throw new ConfigError(
      'SHUTDOWN_DRAIN_MS',
      `must be less than SHUTDOWN_TIMEOUT_MS (${shutdownTimeoutMs}) (got ${drainMs})`,
    );
  }
  return {
    redisUrl: e.REDIS_URL,
    name: e.CLUSTER_NAME ?? 'nestling',
    nodeName: e.NODE_NAME ?? defaultNodeName(),
    presenceHeartbeatMs,
    presenceDownMs,
    drainMs,
  };
}
