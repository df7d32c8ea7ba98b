import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { loadConfig } from './config.js';
import { ConfigError } from './env-validation.js';

const PRODUCTION = {
  NODE_ENV: 'production',
  DATABASE_URL: 'postgres://u@db/app',
  JWT_SECRET: 'j'.repeat(40),
  HOLOQUEST_API_TOKEN: 'h'.repeat(24),
  ADMIN_API_TOKEN: 'a'.repeat(24),
};

function problem(env: Record<string, string>): string {
  try {
    loadConfig(env);
  } catch (error) {
    expect(error).toBeInstanceOf(ConfigError);
    return (error as Error).message;
  }
  throw new Error('expected a ConfigError');
}

describe('KEY_VAULT_SECRET', () => {
  it('is required in production (one line naming it)', () => {
    expect(problem(PRODUCTION)).toBe(
      'Invalid configuration: KEY_VAULT_SECRET is required when NODE_ENV=production',
    );
    const secret = 'v'.repeat(40);
    expect(loadConfig({ ...PRODUCTION, KEY_VAULT_SECRET: secret }).vault).toEqual({
      secret,
      generated: false,
    });
  });

  it('must be at least 32 characters', () => {
    const message = problem({ ...PRODUCTION, KEY_VAULT_SECRET: 'short-vault-secret' });
    expect(message).toMatch(/^Invalid configuration: KEY_VAULT_SECRET must be at least 32/);
  });

  it('outside production, is generated once and kept under DATA_DIR (0600)', () => {
    const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'nestling-vault-'));
    const first = loadConfig({ DATA_DIR: dataDir, JWT_SECRET: 'j'.repeat(40) }).vault;
    expect(first.generated).toBe(true);
    expect(first.secret.length).toBeGreaterThanOrEqual(32);
    const file = path.join(dataDir, 'key-vault-secret');
    expect(fs.statSync(file).mode & 0o777).toBe(0o600);
    expect(loadConfig({ DATA_DIR: dataDir }).vault.secret).toBe(first.secret);
  });
});
