import { IsIn, IsInt, IsOptional, IsString, Max, Min } from 'class-validator';
import path from 'node:path';
import { type Env, validateEnv } from './env-validation.js';

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
  };
}
