import { Inject, Injectable } from '@nestjs/common';
import { JwtService } from '@nestjs/jwt';
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
  ) {}

  sign(userId: string): string {
    return this.jwt.sign(
      { sub: userId, iat: Date.now() / 1000 },
      { expiresIn: this.config.auth.accessTokenTtlSeconds },
    );
  }

  /** True when the token was issued before the user's tokens_valid_after. */
  static revoked(claims: Pick<AccessTokenClaims, 'iat'>, tokensValidAfter: Date): boolean {
    return claims.iat * 1000 < tokensValidAfter.getTime();
  }
}
