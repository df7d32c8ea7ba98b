import type { DataSourceOptions } from 'typeorm';
import { migrations } from '../../migrations/index.js';

/**
 * Options shared by the application, the migration CLI (ormconfig.ts) and the tests.
 * The schema changes only through migrations: `synchronize` is never on.
 */
export function dataSourceOptions(url: string, poolSize = 10): DataSourceOptions {
  return {
    type: 'postgres',
    url,
    synchronize: false,
    migrations,
    migrationsTableName: 'migrations',
    migrationsTransactionMode: 'each',
    extra: { max: poolSize },
  };
}
