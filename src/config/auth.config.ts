import { Allow, IsInt, IsOptional, Max, Min, MinLength } from 'class-validator';
import type { AppConfig } from './app.config.js';
import { keptSecret } from './kept-secret.js';
import { type Env, RequiredInProduction, validateEnv } from './env-validation.js';

class AuthEnv {
  @Allow() NODE_ENV?: string;

  @MinLength(32, { message: 'JWT_SECRET must be at least 32 characters long' })
  @RequiredInProduction('JWT_SECRET')
  JWT_SECRET?: string;

  @IsOptional() @IsInt() @Min(4) @Max(15) BCRYPT_COST?: number;
  @IsOptional() @IsInt() @Min(60) @Max(86_400) ACCESS_TOKEN_TTL_SECONDS?: number;
  @IsOptional() @IsInt() @Min(1000) @Max(86_400_000) TOKEN_PURGE_INTERVAL_MS?: number;
  @IsOptional() @IsInt() @Min(1) @Max(1_000_000) AUTH_RATE_LIMIT?: number;
  @IsOptional() @IsInt() @Min(1000) @Max(86_400_000) AUTH_RATE_WINDOW_MS?: number;
  @IsOptional() @IsInt() @Min(0) @Max(300_000) REFRESH_REUSE_INTERVAL_MS?: number;
}

export interface AuthConfig {
  jwtSecret: string;
  /** True when the secret was generated and kept under DATA_DIR (never in production). */
  jwtSecretGenerated: boolean;
  bcryptCost: number;
  accessTokenTtlSeconds: number;
  tokenPurgeIntervalMs: number;
  /** Requests per window on login, register, password request and refresh (per IP, per email). */
  rateLimit: number;
  rateWindowMs: number;
  /** A refresh token presented again this soon after its rotation is answered, not a reuse. */
  refreshReuseIntervalMs: number;
}

export function authConfig(env: Env, app: AppConfig): AuthConfig {
  const e = validateEnv(AuthEnv, env);
  const common = {
    bcryptCost: e.BCRYPT_COST ?? 12,
    accessTokenTtlSeconds: e.ACCESS_TOKEN_TTL_SECONDS ?? 1800,
    tokenPurgeIntervalMs: e.TOKEN_PURGE_INTERVAL_MS ?? 3_600_000,
    rateLimit: e.AUTH_RATE_LIMIT ?? 10,
    rateWindowMs: e.AUTH_RATE_WINDOW_MS ?? 60_000,
    refreshReuseIntervalMs: e.REFRESH_REUSE_INTERVAL_MS ?? 10_000,
  };
  if (e.JWT_SECRET !== undefined) {
    return { jwtSecret: e.JWT_SECRET, jwtSecretGenerated: false, ...common };
  }
  return { jwtSecret: keptSecret(app.dataDir, 'jwt-secret'), jwtSecretGenerated: true, ...common };
}
