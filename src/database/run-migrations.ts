import { DataSource } from 'typeorm';
import { advisoryLockKey, withAdvisoryLock } from './advisory-lock.js';
import { dataSourceOptions } from './data-source.options.js';

/**
 * The advisory lock every node takes around its migration run, so that nodes starting together
 * on one database migrate one at a time: the first applies what is pending, the others wait and
 * then find nothing to do. Key 2805067489574535749 (`advisoryLockKey('nestling:migrations')`).
 */
export const MIGRATION_LOCK_KEY = advisoryLockKey('nestling:migrations');

/**
 * Applies every pending migration under MIGRATION_LOCK_KEY; returns the names of those applied.
 * `log` is told when another process holds the lock (this one then waits for it).
 */
export async function runMigrations(
  url: string,
  log: (message: string) => void = () => undefined,
): Promise<string[]> {
  return withAdvisoryLock(
    url,
    MIGRATION_LOCK_KEY,
    async () => {
      const dataSource = new DataSource({ ...dataSourceOptions(url, 1), logging: false });
      await dataSource.initialize();
      try {
        const applied = await dataSource.runMigrations({ transaction: 'each' });
        return applied.map((migration) => migration.name);
      } finally {
        await dataSource.destroy();
      }
    },
    () => log('another node is migrating the database: waiting for the migration lock'),
  );
}
