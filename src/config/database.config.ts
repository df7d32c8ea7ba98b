import { Allow, IsInt, IsOptional, Max, Min, Validate } from 'class-validator';
import { PostgresUrlConstraint } from './postgres-url.constraint.js';
import { type Env, RequiredInProduction, validateEnv } from './env-validation.js';

class DatabaseEnv {
  @Allow() NODE_ENV?: string;

  @Validate(PostgresUrlConstraint)
  @RequiredInProduction('DATABASE_URL')
  DATABASE_URL?: string;

  @IsOptional() @IsInt() @Min(1) @Max(65535) EMBEDDED_PG_PORT?: number;
  @IsOptional() @IsInt() @Min(1) @Max(1000) DATABASE_POOL_SIZE?: number;
}

export interface DatabaseConfig {
  /** External PostgreSQL; when undefined an embedded server is started under DATA_DIR. */
  url: string | undefined;
  embeddedPort: number;
  poolSize: number;
}

export function databaseConfig(env: Env): DatabaseConfig {
  const e = validateEnv(DatabaseEnv, env);
  return {
    url: e.DATABASE_URL,
    embeddedPort: e.EMBEDDED_PG_PORT ?? 54329,
    poolSize: e.DATABASE_POOL_SIZE ?? 10,
  };
}
