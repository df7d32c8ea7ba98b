import { loadConfig } from './config.js';
import { ConfigError } from './env-validation.js';

const PRODUCTION = {
  NODE_ENV: 'production',
  DATABASE_URL: 'postgres://u@db/app',
  JWT_SECRET: 'y'.repeat(40),
  HOLOQUEST_API_TOKEN: 'h'.repeat(24),
  ADMIN_API_TOKEN: 'a'.repeat(24),
  KEY_VAULT_SECRET: 'k'.repeat(40),
};

describe('METRICS_TOKEN', () => {
  it('outside production, unset: /metrics is open', () => {
    expect(loadConfig({ NODE_ENV: 'test', JWT_SECRET: 'x'.repeat(32) }).metrics).toEqual({
      token: undefined,
      enabled: true,
    });
  });

  it('in production, unset: /metrics is off (the server still starts)', () => {
    expect(loadConfig(PRODUCTION).metrics).toEqual({ token: undefined, enabled: false });
  });

  it('set: required as the bearer, in production too', () => {
    const token = 'metrics-token-0123456789';
    expect(loadConfig({ ...PRODUCTION, METRICS_TOKEN: token }).metrics).toEqual({
      token,
      enabled: true,
    });
  });

  it('refuses a short or spaced token with one line that does not echo it', () => {
    for (const token of ['too-short-token', 'a token with spaces 0123']) {
      let error: unknown;
      try {
        loadConfig({ ...PRODUCTION, METRICS_TOKEN: token });
      } catch (caught) {
        error = caught;
      }
      expect(error).toBeInstanceOf(ConfigError);
      expect((error as Error).message).toMatch(/^Invalid configuration: METRICS_TOKEN must be/);
      expect((error as Error).message).not.toContain(token);
    }
  });
});
