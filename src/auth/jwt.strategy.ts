import type { IncomingMessage } from 'node:http';
import { Inject, Injectable } from '@nestjs/common';
import { PassportStrategy } from '@nestjs/passport';
import { Strategy } from 'passport-jwt';
import type { User } from '../accounts/user.entity.js';
import { Unauthenticated } from '../common/errors/domain-error.js';
import { CONFIG, type Config } from '../config/config.js';
import { AccessTokens } from './access-tokens.js';
import { jwtKey } from './jwt-key.js';

export const BEARER_PROBLEM = Symbol('bearer-problem');
type BearerRequest = IncomingMessage & { [BEARER_PROBLEM]?: 'missing' | 'invalid_token' };

/**
 * The token of exactly one `Authorization: Bearer <token>` header. Notes why there is none on
 * the request: no header ("missing"), or a malformed or repeated one ("invalid_token").
 */
export function bearerToken(req: BearerRequest): string | null {
  const headers = [];
  for (let i = 0; i < req.rawHeaders.length; i += 2) {
    if (req.rawHeaders[i].toLowerCase() === 'authorization') headers.push(req.rawHeaders[i + 1]);
  }
  if (headers.length === 0) {
    req[BEARER_PROBLEM] = 'missing';
    return null;
  }
  const match = headers.length === 1 ? /^Bearer ([^\s]+)$/.exec(headers[0]) : null;
  if (match === null) {
    req[BEARER_PROBLEM] = 'invalid_token';
    return null;
  }
  return match[1];
}

/**
 * passport-jwt: HS256 with JWT_SECRET; then the same checks as sockets and channel payloads
 * (AccessTokens.userOfClaims): claims as we issue them, an existing user, not revoked.
 */
@Injectable()
export class JwtStrategy extends PassportStrategy(Strategy, 'jwt') {
  constructor(
    @Inject(CONFIG) config: Config,
    private readonly accessTokens: AccessTokens,
  ) {
    // A KeyObject (see jwtKey); passport-jwt hands it to jsonwebtoken unchanged, although its
    // types only name strings and buffers.
    const key = jwtKey(config.auth.jwtSecret) as unknown as Buffer;
    super({
      jwtFromRequest: bearerToken,
      secretOrKeyProvider: (_request: unknown, _token: unknown, done) => done(null, key),
      algorithms: ['HS256'],
      ignoreExpiration: false,
    });
  }

  async validate(payload: unknown): Promise<User> {
    const user = await this.accessTokens.userOfClaims(payload);
    if (user === undefined) throw new Unauthenticated('invalid');
    return user;
  }
}
