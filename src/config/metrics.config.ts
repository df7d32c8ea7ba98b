import { Allow } from 'class-validator';
import type { AppConfig } from './app.config.js';
import { ConfigError, type Env, validateEnv } from './env-validation.js';

class MetricsEnv {
  /** Validated by hand below: a secret, so errors never echo it. */
  @Allow() METRICS_TOKEN?: string;
}

export interface MetricsConfig {
  /** The bearer GET /metrics requires; undefined: open (outside production) or off. */
  token: string | undefined;
  /** False in production without METRICS_TOKEN: there is no /metrics (404). */
  enabled: boolean;
}

export function metricsConfig(env: Env, app: AppConfig): MetricsConfig {
  const { METRICS_TOKEN: token } = validateEnv(MetricsEnv, env);
  if (token !== undefined && !/^[\x21-\x7e]{16,}$/.test(token)) {
    throw new ConfigError(
      'METRICS_TOKEN',
      'must be at least 16 printable ASCII characters without spaces (a bearer token)',
    );
  }
  return { token, enabled: token !== undefined || !app.production };
}
