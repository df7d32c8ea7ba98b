import type { ModuleMetadata } from '@nestjs/common';
import type { NestExpressApplication } from '@nestjs/platform-express';
import { Writable } from 'node:stream';
import { createApp } from '../../src/app.factory.js';
import { createRootLogger } from '../../src/common/logging/root-logger.js';
import { loadConfig } from '../../src/config/config.js';
import { createTestDatabase, dropTestDatabase } from './test-database.js';

export interface TestApp {
  app: NestExpressApplication;
  /** http://127.0.0.1:<port> */
  url: string;
  /** ws://127.0.0.1:<port>/socket (the phoenix client appends /websocket) */
  socketUrl: string;
  port: number;
  databaseUrl: string;
  /** Every log line written so far, parsed. */
  logs: Array<Record<string, unknown>>;
  /** Raw log output, for "never appears in logs" checks. */
  logText(): string;
  close(): Promise<void>;
}

export const TEST_ENV: Record<string, string> = {
  NODE_ENV: 'test',
  JWT_SECRET: 'test-jwt-secret-that-is-long-enough-0123456789',
  KEY_VAULT_SECRET: 'test-key-vault-secret-that-is-long-enough-0123',
  LOG_LEVEL: 'debug',
  LOG_FORMAT: 'json',
  BCRYPT_COST: '4',
  AUTH_RATE_LIMIT: '10000',
};

/**
 * Boots the real application on a random port against its own copy of the migrated template
 * database. `env` overrides the test environment; `databaseUrl` skips the copy.
 */
export async function startTestApp(
  env: Record<string, string> = {},
  options: { databaseUrl?: string; imports?: ModuleMetadata['imports'] } = {},
): Promise<TestApp> {
  const databaseUrl = options.databaseUrl ?? (await createTestDatabase());
  const config = loadConfig({ ...TEST_ENV, ...env, DATABASE_URL: databaseUrl });
  const raw: string[] = [];
  const sink = new Writable({
    write(chunk: Buffer, _encoding, callback) {
      raw.push(chunk.toString('utf8'));
      callback();
    },
  });
  const logger = createRootLogger(config.app, sink);
  const app = await createApp({ config, databaseUrl, logger, imports: options.imports });
  await app.listen(0, '127.0.0.1');
  const { port } = app.getHttpServer().address() as { port: number };
  return {
    app,
    port,
    url: `http://127.0.0.1:${port}`,
    socketUrl: `ws://127.0.0.1:${port}/socket`,
    databaseUrl,
    get logs() {
      return raw
        .join('')
        .split('\n')
        .filter(Boolean)
        .map((line) => JSON.parse(line) as Record<string, unknown>);
    },
    logText: () => raw.join(''),
    async close() {
      await app.close();
      if (!options.databaseUrl) await dropTestDatabase(databaseUrl);
    },
  };
}
