import { Inject, Injectable } from '@nestjs/common';
import { JwtService } from '@nestjs/jwt';
import { InjectDataSource, InjectRepository } from '@nestjs/typeorm';
import type { DataSource, Repository } from 'typeorm';
import { User } from '../accounts/user.entity.js';
import { BatchQueue } from '../common/batching/batch-queue.js';
import { CONFIG, type Config } from '../config/config.js';
import { preparedQuery } from '../database/prepared-query.js';
import { type AccessTokenClaims, accessTokenClaims } from './access-token-claims.js';

/** True when the token was issued before the user's tokens_valid_after (it is revoked). */
const issuedBefore = (claims: AccessTokenClaims, tokensValidAfter: Date): boolean =>
  claims.iat * 1000 < tokensValidAfter.getTime();

/** What the revocation check reads of a token's user. */
interface TokenOwner {
  id: string;
  tokens_valid_after: Date;
}

const OWNERS_SQL = 'SELECT id, tokens_valid_after FROM users WHERE id = ANY($1::uuid[])';

/**
 * Token checks of the socket paths (every connect, and every channel event that carries its
 * token: each chat send does) read the token's user in batches: a check made while
 * OWNER_LOOKUPS_IN_FLIGHT statements run waits and leaves with the others in one prepared
 * `id = ANY($1)` statement; when traffic is light it goes out alone, at once. Nothing is cached:
 * a revocation counts from its commit.
 */
const OWNER_LOOKUPS_IN_FLIGHT = 2;
const OWNER_LOOKUP_BATCH_MAX = 500;

/** Access tokens: HS256 JWTs with `sub` = user id, ACCESS_TOKEN_TTL_SECONDS long (30 min). */
@Injectable()
export class AccessTokens {
  private readonly owners = new BatchQueue<string, TokenOwner | undefined>(
    (ids) => this.loadOwners(ids),
    { maxInFlight: OWNER_LOOKUPS_IN_FLIGHT, maxBatch: OWNER_LOOKUP_BATCH_MAX },
  );

  constructor(
    private readonly jwt: JwtService,
    @Inject(CONFIG) private readonly config: Config,
    @InjectRepository(User) private readonly users: Repository<User>,
    @InjectDataSource() private readonly db: DataSource,
  ) {}

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
    const owner = await this.owners.submit(claims.sub.toLowerCase());
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

  private async loadOwners(ids: string[]): Promise<Array<TokenOwner | undefined>> {
    const rows = await preparedQuery<TokenOwner>(this.db, 'auth.token-owners', OWNERS_SQL, [ids]);
    const byId = new Map(rows.map((row) => [row.id, row]));
    return ids.map((id) => byId.get(id));
  }
}
