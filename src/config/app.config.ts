import { IsIn, IsInt, IsOptional, IsString, Max, Min } from 'class-validator';
import path from 'node:path';
import { ConfigError, type Env, validateEnv } from './env-validation.js';

export const NODE_ENVS = ['development', 'production', 'test'] as const;
export type NodeEnv = (typeof NODE_ENVS)[number];
export const LOG_LEVELS = ['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent'] as const;
export type LogLevel = (typeof LOG_LEVELS)[number];
export const LOG_FORMATS = ['json', 'pretty'] as const;
export type LogFormat = (typeof LOG_FORMATS)[number];

class AppEnv {
  @IsOptional() @IsIn(NODE_ENVS) NODE_ENV?: NodeEnv;
  @IsOptional() @IsInt() @Min(0) @Max(65535) PORT?: number;
  @IsOptional() @IsString() HOST?: string;
  @IsOptional() @IsString() DATA_DIR?: string;
  @IsOptional() @IsIn(LOG_LEVELS) LOG_LEVEL?: LogLevel;
  @IsOptional() @IsIn(LOG_FORMATS) LOG_FORMAT?: LogFormat;
  @IsOptional() @IsInt() @Min(1) @Max(120_000) SHUTDOWN_TIMEOUT_MS?: number;
  @IsOptional() @IsString() TRUST_PROXY?: string;
}

/**
 * Express's `trust proxy`: false (default), true (any proxy), a hop count, or a list of
 * addresses, CIDR ranges and the names `loopback`, `linklocal`, `uniquelocal`.
 */
export type TrustProxy = boolean | number | string[];

const PROXY_NAMES = ['loopback', 'linklocal', 'uniquelocal'];
const PROXY_ADDRESS = /^[0-9a-f.:]+(\/\d{1,3})?$/i;

function trustProxy(raw: string | undefined): TrustProxy {
  const value = raw?.trim().toLowerCase() ?? 'false';
  if (value === 'false' || value === '0') return false;
  if (value === 'true') return true;
  if (/^\d+$/.test(value)) return Number(value);
  const entries = value.split(',').map((entry) => entry.trim());
  if (entries.every((entry) => PROXY_NAMES.includes(entry) || PROXY_ADDRESS.test(entry)))
    return entries;
  throw new ConfigError(
    'TRUST_PROXY',
    `must be true, false, a hop count or a list of addresses (got ${JSON.stringify(raw)})`,
  );
}

export interface AppConfig {
  nodeEnv: NodeEnv;
  production: boolean;
  port: number;
  host: string;
  /** Absolute path of the directory for local state (embedded database, generated secrets). */
  dataDir: string;
  logLevel: LogLevel;
  logFormat: LogFormat;
  shutdownTimeoutMs: number;
  /** Whose X-Forwarded-* headers to believe (links, Location, client address). */
  trustProxy: TrustProxy;
}

export function appConfig(env: Env): AppConfig {
  const e = validateEnv(AppEnv, env);
  const nodeEnv = e.NODE_ENV ?? 'development';
  const production = nodeEnv === 'production';
  return {
    nodeEnv,
    production,
    port: e.PORT ?? 4000,
    host: e.HOST ?? '0.0.0.0',
    dataDir: path.resolve(e.DATA_DIR ?? '.data'),
    logLevel: e.LOG_LEVEL ?? 'info',
    logFormat: e.LOG_FORMAT ?? (production ? 'json' : 'pretty'),
    shutdownTimeoutMs: e.SHUTDOWN_TIMEOUT_MS ?? 10_000,
    trustProxy: trustProxy(e.TRUST_PROXY),
  };
}
