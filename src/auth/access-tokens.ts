import { Inject, Injectable } from '@nestjs/common';
import { JwtService } from '@nestjs/jwt';
import { InjectRepository } from '@nestjs/typeorm';
import type { Repository } from 'typeorm';
import { User } from '../accounts/user.entity.js';
import { CONFIG, type Config } from '../config/config.js';
import { type AccessTokenClaims, accessTokenClaims } from './access-token-claims.js';

/** True when the token was issued before the user's tokens_valid_after (it is revoked). */
const issuedBefore = (claims: AccessTokenClaims, tokensValidAfter: Date): boolean =>
  claims.iat * 1000 < tokensValidAfter.getTime();

/** Access tokens: HS256 JWTs with `sub` = user id, ACCESS_TOKEN_TTL_SECONDS long (30 min). */
@Injectable()
export class AccessTokens {
  constructor(
    private readonly jwt: JwtService,
    @Inject(CONFIG) private readonly config: Config,
    @InjectRepository(User) private readonly users: Repository<User>,
  ) {}

  sign(userId: string): string {
    return this.jwt.sign(
      { sub: userId, iat: Date.now() / 1000 },
      { expiresIn: this.config.auth.accessTokenTtlSeconds },
    );
  }

  /**
   * The user of a valid access token: signature, expiry, existing user, not revoked.
   * Undefined otherwise (sockets and channel payloads use it; REST goes through passport).
   */
  async userOf(token: string): Promise<User | undefined> {
    let payload: unknown;
    try {
      payload = await this.jwt.verifyAsync<object>(token);
    } catch {
      return undefined;
    }
    return this.userOfClaims(payload);
  }

  /**
   * The user of a verified token's payload: claims as we issue them (UUID `sub`, `iat`, `exp`),
   * an existing user, not revoked. Undefined otherwise.
   */
  async userOfClaims(payload: unknown): Promise<User | undefined> {
    const claims = accessTokenClaims(payload);
    if (claims === undefined) return undefined;
    const user = await this.users.findOneBy({ id: claims.sub });
    return user !== null && !issuedBefore(claims, user.tokensValidAfter) ? user : undefined;
  }
}
