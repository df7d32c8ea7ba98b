import { Inject, Injectable } from '@nestjs/common';
import { JwtService } from '@nestjs/jwt';
import { InjectRepository } from '@nestjs/typeorm';
import type { Repository } from 'typeorm';
import { User } from '../accounts/user.entity.js';
import { CONFIG, type Config } from '../config/config.js';

export interface AccessTokenClaims {
  sub: string;
  /** Issued-at in seconds with millisecond precision, compared with tokens_valid_after. */
  iat: number;
  exp: number;
}

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
    let claims: AccessTokenClaims;
    try {
      claims = await this.jwt.verifyAsync<AccessTokenClaims>(token);
    } catch {
      return undefined;
    }
    if (typeof claims.sub !== 'string') return undefined;
    const user = await this.users.findOneBy({ id: claims.sub });
    return user !== null && !AccessTokens.revoked(claims, user.tokensValidAfter) ? user : undefined;
  }

  /** True when the token was issued before the user's tokens_valid_after. */
  static revoked(claims: Pick<AccessTokenClaims, 'iat'>, tokensValidAfter: Date): boolean {
    return claims.iat * 1000 < tokensValidAfter.getTime();
  }
}
