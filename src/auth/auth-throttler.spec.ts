import type { ExecutionContext } from '@nestjs/common';
import { RateLimited } from '../common/errors/domain-error.js';
import { loadConfig } from '../config/config.js';
import { AuthThrottlerGuard } from './auth-throttler.js';
import { RateLimitStore } from './rate-limit-store.js';

class LoginController {
  login(): void {}
}

function context(ip: string, body: object, user?: { id: string }): ExecutionContext {
  const req = { ip, body, user, socket: {} };
  return {
    switchToHttp: () => ({ getRequest: () => req }),
    getClass: () => LoginController,
    getHandler: () => LoginController.prototype.login,
  } as unknown as ExecutionContext;
}

describe('AuthThrottlerGuard', () => {
  const config = loadConfig({
    JWT_SECRET: 'x'.repeat(32),
    AUTH_RATE_LIMIT: '2',
    DATABASE_URL: 'postgres://u@h/d',
  });
  // Without REDIS_URL: the limits count in memory.
  const newGuard = () => new AuthThrottlerGuard(config, new RateLimitStore(config));

  it('limits per IP whatever the email', async () => {
    const guard = newGuard();
    await guard.canActivate(context('10.0.0.1', { email: 'a@x.io' }));
    await guard.canActivate(context('10.0.0.1', { email: 'b@x.io' }));
    await expect(
      guard.canActivate(context('10.0.0.1', { email: 'c@x.io' })),
    ).rejects.toBeInstanceOf(RateLimited);
    await expect(guard.canActivate(context('10.0.0.2', { email: 'd@x.io' }))).resolves.toBe(true);
  });

  it('limits per email (case-insensitive) whatever the IP', async () => {
    const guard = newGuard();
    await guard.canActivate(context('10.0.1.1', { email: 'Ann@x.io' }));
    await guard.canActivate(context('10.0.1.2', { email: 'ann@x.io ' }));
    const rejection = guard.canActivate(context('10.0.1.3', { email: 'ANN@x.io' }));
    await expect(rejection).rejects.toBeInstanceOf(RateLimited);
    await expect(rejection).rejects.toMatchObject({ retryAfterSeconds: expect.any(Number) });
  });

  it('limits per signed-in user whatever the IP, ignoring the body’s email', async () => {
    const guard = newGuard();
    const ann = { id: '0b9f3c0e-5a0e-4f53-9d5e-3f3f1b2a8c11' };
    await guard.canActivate(context('10.0.2.1', { email: 'new1@x.io' }, ann));
    await guard.canActivate(context('10.0.2.2', { email: 'new2@x.io' }, ann));
    await expect(
      guard.canActivate(context('10.0.2.3', { email: 'new3@x.io' }, ann)),
    ).rejects.toBeInstanceOf(RateLimited);
    await expect(
      guard.canActivate(context('10.0.2.4', { email: 'new3@x.io' }, { id: 'another-user' })),
    ).resolves.toBe(true);
  });
});
