import { loadConfig } from './config.js';
import { ConfigError } from './env-validation.js';
import { rallyConfig } from './rally.config.js';

const PRODUCTION = {
  NODE_ENV: 'production',
  DATABASE_URL: 'postgres://u@db/app',
  JWT_SECRET: 'j'.repeat(40),
  KEY_VAULT_SECRET: 'k'.repeat(40),
};
const API_TOKEN = 'a'.repeat(24);
const ADMIN_TOKEN = 'b'.repeat(24);

function problem(env: Record<string, string>): ConfigError {
  try {
    loadConfig(env);
  } catch (error) {
    expect(error).toBeInstanceOf(ConfigError);
    expect((error as Error).message).not.toContain('\n');
    return error as ConfigError;
  }
  throw new Error('expected a ConfigError');
}

describe('rally configuration', () => {
  it('refuses to boot in production without HOLOQUEST_API_TOKEN', () => {
    const error = problem(PRODUCTION);
    expect(error.variable).toBe('HOLOQUEST_API_TOKEN');
    expect(error.message).toBe(
      'Invalid configuration: HOLOQUEST_API_TOKEN is required when NODE_ENV=production',
    );
    expect(problem({ ...PRODUCTION, HOLOQUEST_API_TOKEN: '' }).variable).toBe(
      'HOLOQUEST_API_TOKEN',
    );
  });

  it('refuses to boot in production without ADMIN_API_TOKEN', () => {
    const error = problem({ ...PRODUCTION, HOLOQUEST_API_TOKEN: API_TOKEN });
    expect(error.variable).toBe('ADMIN_API_TOKEN');
    expect(error.message).toBe(
      'Invalid configuration: ADMIN_API_TOKEN is required when NODE_ENV=production',
    );
  });

  it('boots in production with both tokens', () => {
    const config = loadConfig({
      ...PRODUCTION,
      HOLOQUEST_API_TOKEN: API_TOKEN,
      ADMIN_API_TOKEN: ADMIN_TOKEN,
    });
    expect(config.rally).toMatchObject({ apiToken: API_TOKEN, adminToken: ADMIN_TOKEN });
  });

  it('rejects tokens shorter than 16 characters', () => {
    expect(problem({ ...PRODUCTION, HOLOQUEST_API_TOKEN: 'short' }).message).toMatch(
      /^Invalid configuration: HOLOQUEST_API_TOKEN must be at least 16 characters long/,
    );
    expect(() => rallyConfig({ ADMIN_API_TOKEN: 'short' })).toThrow(ConfigError);
  });

  it('outside production leaves unset tokens undefined (any bearer) and CORS open', () => {
    expect(rallyConfig({ NODE_ENV: 'development' })).toMatchObject({
      apiToken: undefined,
      adminToken: undefined,
      corsOrigins: '*',
    });
    expect(
      rallyConfig({ CORS_ORIGINS: 'https://a.example, https://b.example' }).corsOrigins,
    ).toEqual(['https://a.example', 'https://b.example']);
  });
});
