import { Inject, Injectable } from '@nestjs/common';
import bcrypt from 'bcrypt';
import { CONFIG, type Config } from '../config/config.js';

/** bcrypt with the configured cost (BCRYPT_COST; low in tests). */
@Injectable()
export class PasswordHasher {
  private dummyHash: Promise<string> | undefined;

  constructor(@Inject(CONFIG) private readonly config: Config) {}

  hash(password: string): Promise<string> {
    return bcrypt.hash(password, this.config.auth.bcryptCost);
  }

  verify(password: string, hash: string): Promise<boolean> {
    return bcrypt.compare(password, hash);
  }

  /** Spends the time of a real check, so that unknown accounts answer no faster than known. */
  async verifyNothing(password: string): Promise<false> {
    this.dummyHash ??= bcrypt.hash('no account has this password', this.config.auth.bcryptCost);
    await bcrypt.compare(password, await this.dummyHash);
    return false;
  }
}
