import type { ExecutionContext } from '@nestjs/common';
import { RateLimited } from '../common/errors/domain-error.js';
import { loadConfig } from '../config/config.js';
import { AuthThrottlerGuard } from './auth-throttler.js';

class LoginController {
  login(): void {}
}

function context(ip: string, body: object): ExecutionContext {
  const req = { ip, body, socket: {} };
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

  it('limits per IP whatever the email', async () => {
    const guard = new AuthThrottlerGuard(config);
    await guard.canActivate(context('10.0.0.1', { email: 'a@x.io' }));
    await guard.canActivate(context('10.0.0.1', { email: 'b@x.io' }));
    await expect(
      guard.canActivate(context('10.0.0.1', { email: 'c@x.io' })),
    ).rejects.toBeInstanceOf(RateLimited);
    await expect(guard.canActivate(context('10.0.0.2', { email: 'd@x.io' }))).resolves.toBe(true);
  });

  it('limits per email (case-insensitive) whatever the IP', async () => {
    const guard = new AuthThrottlerGuard(config);
    await guard.canActivate(context('10.0.1.1', { email: 'Ann@x.io' }));
    await guard.canActivate(context('10.0.1.2', { email: 'ann@x.io ' }));
    const rejection = guard.canActivate(context('10.0.1.3', { email: 'ANN@x.io' }));
    await expect(rejection).rejects.toBeInstanceOf(RateLimited);
    await expect(rejection).rejects.toMatchObject({ retryAfterSeconds: expect.any(Number) });
  });
});
