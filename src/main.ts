import 'reflect-metadata';
import type { NestExpressApplication } from '@nestjs/platform-express';
import type { Logger } from 'pino';
import { createApp, listeningUrl } from './app.factory.js';
import { createRootLogger } from './common/logging/root-logger.js';
import { type Config, loadConfig } from './config/config.js';
import { ConfigError } from './config/env-validation.js';
import type { RunningDatabase } from './database/embedded-postgres.js';
import { provisionDatabase } from './database/provision-database.js';
import { runMigrations } from './database/run-migrations.js';
import { drainNode } from './shutdown/drain-node.js';

function configOrExit(): Config {
  try {
    return loadConfig(process.env);
  } catch (error) {
    // One line naming the variable, then exit code 1.
    process.stderr.write(`${error instanceof ConfigError ? error.message : String(error)}\n`);
    process.exit(1);
  }
}

/**
 * Stops on SIGINT/SIGTERM: the node drains first (leaves the cluster, refuses new sockets, closes
 * its sockets in batches over SHUTDOWN_DRAIN_MS: see drainNode), then HTTP and whatever sockets
 * are left are closed, then the embedded database, then exit code 0. A shutdown slower than
 * SHUTDOWN_TIMEOUT_MS (the drain included) exits with 1. Repeated signals are
 * expected (Ctrl-C under `nest start` reaches this process from the terminal and from the CLI)
 * and change nothing.
 */
function handleSignals(
  app: NestExpressApplication,
  database: RunningDatabase,
  config: Config,
  log: Logger,
) {
  let stopping = false;
  const stop = async (signal: NodeJS.Signals) => {
    if (stopping) return;
    stopping = true;
    log.info(`${signal} received: shutting down`);
    setTimeout(() => {
      log.error('shutdown timed out');
      process.exit(1);
    }, config.app.shutdownTimeoutMs).unref();
    try {
      await drainNode(app, config.cluster.drainMs, log);
      await app.close();
      await database.stop();
      log.info('shutdown complete');
      process.exit(0);
    } catch (error) {
      log.error({ err: error }, 'shutdown failed');
      process.exit(1);
    }
  };
  process.on('SIGINT', (signal) => void stop(signal));
  process.on('SIGTERM', (signal) => void stop(signal));
}

async function main(): Promise<void> {
  const config = configOrExit();
  const log = createRootLogger(config.app, undefined, config.cluster.nodeName);
  process.on('unhandledRejection', (reason) => log.error({ err: reason }, 'unhandled rejection'));
  if (config.auth.jwtSecretGenerated) {
    log.warn(`JWT_SECRET is not set: using the secret generated in ${config.app.dataDir}`);
  }
  if (config.vault.generated) {
    log.warn(`KEY_VAULT_SECRET is not set: using the secret generated in ${config.app.dataDir}`);
  }
  let database: RunningDatabase | undefined;
  try {
    database = await provisionDatabase(config, (message) => log.info(message));
    const applied = await runMigrations(database.url, (message) => log.info(message));
    log.info(
      applied.length
        ? `applied migrations: ${applied.join(', ')}`
        : 'database schema is up to date',
    );
    const app = await createApp({ config, databaseUrl: database.url, logger: log });
    await app.listen(config.app.port, config.app.host);
    handleSignals(app, database, config, log);
    log.info(`Nestling listening on ${listeningUrl(app, config.app.host)}`);
  } catch (error) {
    log.fatal(
      { err: error },
      `startup failed: ${error instanceof Error ? error.message : String(error)}`,
    );
    await database?.stop().catch(() => undefined);
    process.exit(1);
  }
}

void main();
