import { Allow, IsInt, IsOptional, IsString, Max, Min, MinLength } from 'class-validator';
import { type Env, RequiredInProduction, validateEnv } from './env-validation.js';

class RallyEnv {
  @Allow() NODE_ENV?: string;

  @MinLength(16, { message: 'HOLOQUEST_API_TOKEN must be at least 16 characters long' })
  @RequiredInProduction('HOLOQUEST_API_TOKEN')
  HOLOQUEST_API_TOKEN?: string;

  @MinLength(16, { message: 'ADMIN_API_TOKEN must be at least 16 characters long' })
  @RequiredInProduction('ADMIN_API_TOKEN')
  ADMIN_API_TOKEN?: string;

  @IsOptional() @IsString() CORS_ORIGINS?: string;
  @IsOptional() @IsInt() @Min(1) @Max(100_000) RALLY_RATE_LIMIT?: number;
  @IsOptional() @IsInt() @Min(100) @Max(3_600_000) RALLY_RATE_WINDOW_MS?: number;
}

export interface RallyConfig {
  /** The HoloQuest client's bearer; undefined outside production means "any bearer". */
  apiToken: string | undefined;
  /** The operators' bearer (player index, notifications); undefined: any bearer (not in production). */
  adminToken: string | undefined;
  /** Allowed CORS origins for /api/json: `*` or a list. */
  corsOrigins: '*' | string[];
  /** Per-socket limit on collected, rally-completed and shout. */
  rateLimit: number;
  rateWindowMs: number;
}

export function rallyConfig(env: Env): RallyConfig {
  const e = validateEnv(RallyEnv, env);
  const origins = (e.CORS_ORIGINS ?? '*')
    .split(',')
    .map((o) => o.trim())
    .filter(Boolean);
  return {
    apiToken: e.HOLOQUEST_API_TOKEN,
    adminToken: e.ADMIN_API_TOKEN,
    corsOrigins: origins.length === 0 || origins.includes('*') ? '*' : origins,
    rateLimit: e.RALLY_RATE_LIMIT ?? 10,
    rateWindowMs: e.RALLY_RATE_WINDOW_MS ?? 10_000,
  };
}
