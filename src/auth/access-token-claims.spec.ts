import { accessTokenClaims } from './access-token-claims.js';

describe('accessTokenClaims', () => {
  const sub = '0b9f3c0e-5a0e-4f53-9d5e-3f3f1b2a8c11';
  const iat = 1_700_000_000.123;
  const exp = iat + 1800;

  it('accepts the claims we issue', () => {
    expect(accessTokenClaims({ sub, iat, exp, extra: 1 })).toEqual({ sub, iat, exp });
  });

  it.each([
    ['no exp', { sub, iat }],
    ['a non-numeric exp', { sub, iat, exp: String(exp) }],
    ['no iat', { sub, exp }],
    ['an infinite iat', { sub, iat: Infinity, exp }],
    ['no sub', { iat, exp }],
    ['a sub that is not a UUID', { sub: 'admin', iat, exp }],
    ['a numeric sub', { sub: 42, iat, exp }],
    ['a UUID with trailing text', { sub: `${sub} OR 1=1`, iat, exp }],
  ])('refuses %s', (_case, claims) => {
    expect(accessTokenClaims(claims)).toBeUndefined();
  });

  it.each([null, 'token', 42])('refuses a payload that is not an object (%p)', (payload) => {
    expect(accessTokenClaims(payload)).toBeUndefined();
  });
});
