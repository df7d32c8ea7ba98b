import { Inject, Injectable } from '@nestjs/common';
import { JwtService } from '@nestjs/jwt';
import { InjectDataSource, InjectRepository } from '@nestjs/typeorm';
import type { DataSource, Repository } from 'typeorm';
import { User } from '../accounts/user.entity.js';
import { CONFIG, type Config } from '../config/config.js';
import { BatchedLookup } from '../database/batched-lookup.js';
import { type AccessTokenClaims, accessTokenClaims } from './access-token-claims.js';

/** True when the token was issued before the user's tokens_valid_after (it is revoked). */
const issuedBefore = (claims: AccessTokenClaims, tokensValidAfter: Date): boolean =>
  claims.iat * 1000 < tokensValidAfter.getTime();

/** What the revocation check reads of a token's user. */
interface TokenOwner {
  id: string;
  tokens_valid_after: Date;
}

/** Access tokens: HS256 JWTs with `sub` = user id, ACCESS_TOKEN_TTL_SECONDS long (30 min). */
@Injectable()
export class AccessTokens {
  /**
   * The users of the tokens the socket paths check (every connect, and every channel event that
   * carries its token: each chat send does), read in batches, uncached: a revocation counts from
   * its commit.
   */
  private readonly owners: BatchedLookup<TokenOwner>;

  constructor(
    private readonly jwt: JwtService,
    @Inject(CONFIG) private readonly config: Config,
    @InjectRepository(User) private readonly users: Repository<User>,
    @InjectDataSource() db: DataSource,
  ) {
    this.owners = new BatchedLookup(
      db,
      'auth.token-owners',
      'SELECT id, tokens_valid_after FROM users WHERE id = ANY($1::uuid[])',
    );
  }

  sign(userId: string): string {
    return this.jwt.sign(
      { sub: userId, iat: Date.now() / 1000 },
      { expiresIn: this.config.auth.accessTokenTtlSeconds },
    );
  }

  /**
   * The id of the user of a valid access token: signature, expiry, claims as we issue them, an
   * existing user, not revoked. Undefined otherwise (sockets and channel payloads use it; REST
   * goes through passport and userOfClaims).
   */
  async userIdOf(token: string): Promise<string | undefined> {
    let payload: unknown;
    try {
      payload = await this.jwt.verifyAsync<object>(token);
    } catch {
      return undefined;
    }
    const claims = accessTokenClaims(payload);
    if (claims === undefined) return undefined;
    const owner = await this.owners.find(claims.sub);
    return owner !== undefined && !issuedBefore(claims, owner.tokens_valid_after)
      ? owner.id
      : undefined;
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
