import jwt from 'jsonwebtoken';
import { jwtKey } from './jwt-key.js';

describe('jwtKey', () => {
  const secret = 'a-secret-of-the-server-é';

  it('signs the same bytes as the string secret, and verifies what it signed', () => {
    const claims = { sub: 'u', iat: 1_700_000_000, exp: 1_900_000_000 };
    const withString = jwt.sign(claims, secret, { algorithm: 'HS256' });
    const withKey = jwt.sign(claims, jwtKey(secret), { algorithm: 'HS256' });
    expect(withKey).toBe(withString);
    expect(jwt.verify(withString, jwtKey(secret), { algorithms: ['HS256'] })).toMatchObject(claims);
  });

  it('refuses a token signed with another secret', () => {
    const token = jwt.sign({ sub: 'u' }, 'another secret', { algorithm: 'HS256' });
    expect(() => jwt.verify(token, jwtKey(secret), { algorithms: ['HS256'] })).toThrow(
      'invalid signature',
    );
  });
});
