import { advisoryLockKey } from './advisory-lock.js';
import { MIGRATION_LOCK_KEY } from './run-migrations.js';

describe('advisoryLockKey', () => {
  it('derives a signed 64-bit key from the name (first 8 bytes of its SHA-256)', () => {
    // The value docs/operations.md gives operators (to spot the lock in pg_locks).
    expect(MIGRATION_LOCK_KEY).toBe(2805067489574535749n);
    expect(advisoryLockKey('nestling:migrations')).toBe(MIGRATION_LOCK_KEY);
    expect(advisoryLockKey('another name')).not.toBe(MIGRATION_LOCK_KEY);
  });
});
