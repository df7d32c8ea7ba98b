import { type AppConfig, appConfig } from './app.config.js';
import { type AuthConfig, authConfig } from './auth.config.js';
import { type ChatConfig, chatConfig } from './chat.config.js';
import { type ClusterConfig, clusterConfig } from './cluster.config.js';
import { type DatabaseConfig, databaseConfig } from './database.config.js';
import type { Env } from './env-validation.js';
import { type MailConfig, mailConfig } from './mail.config.js';
import { type MetricsConfig, metricsConfig } from './metrics.config.js';
import { type RallyConfig, rallyConfig } from './rally.config.js';
import { type RealtimeConfig, realtimeConfig } from './realtime.config.js';
import { type VaultConfig, vaultConfig } from './vault.config.js';

/** The whole validated configuration, one section per concern. */
export interface Config {
  app: AppConfig;
  database: DatabaseConfig;
  auth: AuthConfig;
  realtime: RealtimeConfig;
  cluster: ClusterConfig;
  chat: ChatConfig;
  rally: RallyConfig;
  mail: MailConfig;
  metrics: MetricsConfig;
  vault: VaultConfig;
}

/** Validates `env` (normally `process.env`); throws a ConfigError naming the first bad variable. */
export function loadConfig(env: Env): Config {
  const app = appConfig(env);
  return {
    app,
    database: databaseConfig(env),
    auth: authConfig(env, app),
    realtime: realtimeConfig(env),
    cluster: clusterConfig(env, app.shutdownTimeoutMs),
    chat: chatConfig(env),
    rally: rallyConfig(env),
    mail: mailConfig(env),
    metrics: metricsConfig(env, app),
    vault: vaultConfig(env, app),
  };
}

/** Injection token for the Config object. */
export const CONFIG = Symbol('CONFIG');
