import type { Pool } from 'pg';
import type { DataSource } from 'typeorm';

/** The node's PostgreSQL connections: idle in the pool, lent out, and requests queued for one. */
export interface PoolStats {
  idle: number;
  busy: number;
  waiting: number;
}

/** Reads the `pg` pool behind TypeORM's PostgreSQL driver (no query, no allocation on the pool). */
export function poolStats(dataSource: DataSource): PoolStats {
  const pool = (dataSource.driver as unknown as { master?: Pool }).master;
  if (pool === undefined) return { idle: 0, busy: 0, waiting: 0 };
  return {
    idle: pool.idleCount,
    busy: pool.totalCount - pool.idleCount,
    waiting: pool.waitingCount,
  };
}
