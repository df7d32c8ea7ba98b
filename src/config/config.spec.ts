import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { loadConfig } from './config.js';
import { ConfigError } from './env-validation.js';

function tmpDir(): string {
  return fs.mkdtempSync(path.join(os.tmpdir(), 'nestling-config-'));
}

function problem(env: Record<string, string>): string {
  try {
    loadConfig(env);
  } catch (error) {
    expect(error).toBeInstanceOf(ConfigError);
    return (error as Error).message;
  }
  throw new Error('expected a ConfigError');
}

describe('loadConfig', () => {
  it('has documented defaults', () => {
    const dataDir = tmpDir();
    const config = loadConfig({ DATA_DIR: dataDir });
    expect(config.app).toMatchObject({
      nodeEnv: 'development',
      production: false,
      port: 4000,
      host: '0.0.0.0',
      dataDir,
      logLevel: 'info',
      logFormat: 'pretty',
    });
    expect(config.database).toEqual({ url: undefined, embeddedPort: 54329, poolSize: 10 });
  });

  it('rejects an invalid value with one line naming the variable', () => {
    const message = problem({ PORT: 'abc', DATA_DIR: tmpDir() });
    expect(message).toMatch(/^Invalid configuration: PORT .*"abc"/);
    expect(message).not.toContain('\n');
    expect(problem({ PORT: '70000' })).toMatch(
      /^Invalid configuration: PORT must not be greater than 65535/,
    );
    expect(problem({ LOG_LEVEL: 'loud' })).toMatch(
      /^Invalid configuration: LOG_LEVEL must be one of/,
    );
    expect(problem({ NODE_ENV: 'staging' })).toMatch(/^Invalid configuration: NODE_ENV /);
    expect(problem({ DATABASE_URL: 'mysql://x/y' })).toMatch(
      /^Invalid configuration: DATABASE_URL must be a postgres:\/\//,
    );
    expect(problem({ JWT_SECRET: 'short' })).toMatch(
      /^Invalid configuration: JWT_SECRET must be at least 32/,
    );
  });

  it('treats empty values as unset', () => {
    expect(loadConfig({ PORT: '', DATA_DIR: tmpDir() }).app.port).toBe(4000);
  });

  it('requires DATABASE_URL and JWT_SECRET in production', () => {
    expect(problem({ NODE_ENV: 'production', JWT_SECRET: 'x'.repeat(32) })).toBe(
      'Invalid configuration: DATABASE_URL is required when NODE_ENV=production',
    );
    expect(problem({ NODE_ENV: 'production', DATABASE_URL: 'postgres://u@db/app' })).toBe(
      'Invalid configuration: JWT_SECRET is required when NODE_ENV=production',
    );
    const config = loadConfig({
      NODE_ENV: 'production',
      DATABASE_URL: 'postgres://u@db/app',
      JWT_SECRET: 'y'.repeat(40),
      HOLOQUEST_API_TOKEN: 'h'.repeat(24),
      ADMIN_API_TOKEN: 'a'.repeat(24),
      KEY_VAULT_SECRET: 'k'.repeat(40),
    });
    expect(config.auth).toMatchObject({ jwtSecret: 'y'.repeat(40), jwtSecretGenerated: false });
    expect(config.app.logFormat).toBe('json');
  });

  it('outside production, generates a JWT secret once and keeps it under DATA_DIR', () => {
    const dataDir = tmpDir();
    const first = loadConfig({ DATA_DIR: dataDir }).auth;
    expect(first.jwtSecretGenerated).toBe(true);
    expect(first.jwtSecret.length).toBeGreaterThanOrEqual(32);
    const file = path.join(dataDir, 'jwt-secret');
    expect(fs.statSync(file).mode & 0o777).toBe(0o600);
    expect(loadConfig({ DATA_DIR: dataDir }).auth.jwtSecret).toBe(first.jwtSecret);
  });
});
