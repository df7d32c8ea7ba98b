import { Allow, MinLength } from 'class-validator';
import type { AppConfig } from './app.config.js';
import { keptSecret } from './kept-secret.js';
import { type Env, RequiredInProduction, validateEnv } from './env-validation.js';

class VaultEnv {
  @Allow() NODE_ENV?: string;

  @MinLength(32, { message: 'KEY_VAULT_SECRET must be at least 32 characters long' })
  @RequiredInProduction('KEY_VAULT_SECRET')
  KEY_VAULT_SECRET?: string;
}

export interface VaultConfig {
  /** Seals private key material at rest (AES-256-GCM; the key is derived from it with HKDF). */
  secret: string;
  /** True when the secret was generated and kept under DATA_DIR (never in production). */
  generated: boolean;
}

const FILE = 'key-vault-secret';

/** KEY_VAULT_SECRET: required in production; outside it generated once under DATA_DIR. */
export function vaultConfig(env: Env, app: AppConfig): VaultConfig {
  const e = validateEnv(VaultEnv, env);
  if (e.KEY_VAULT_SECRET !== undefined) return { secret: e.KEY_VAULT_SECRET, generated: false };
  return { secret: keptSecret(app.dataDir, FILE), generated: true };
}
