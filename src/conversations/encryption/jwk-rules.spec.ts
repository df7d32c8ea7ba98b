import { generateKeyPairSync } from 'node:crypto';
import { InvalidJwk, keyPair, privateJwk, publicJwk } from './jwk-rules.js';

/** A pair as WebCrypto exports it for RSA-OAEP / SHA-256. */
function webCryptoLike(bits: number) {
  const { publicKey, privateKey } = generateKeyPairSync('rsa', { modulusLength: bits });
  const pub = publicKey.export({ format: 'jwk' });
  const priv = privateKey.export({ format: 'jwk' });
  return {
    pub: { ...pub, alg: 'RSA-OAEP-256', ext: true, key_ops: ['encrypt'] },
    priv: { ...priv, alg: 'RSA-OAEP-256', ext: true, key_ops: ['decrypt'] },
  };
}

describe('JWK rules', () => {
  const { pub, priv } = webCryptoLike(2048);

  it('accepts a 2048-bit RSA-OAEP-256 pair and answers canonical keys', () => {
    const keys = keyPair({ ...pub, type: 'public', user_id: 'x' }, priv);
    expect(keys.publicKey).toEqual({
      kty: 'RSA',
      alg: 'RSA-OAEP-256',
      n: pub.n,
      e: pub.e,
      ext: true,
      key_ops: ['encrypt'],
    });
    expect(keys.privateKey).toMatchObject({ d: priv.d, p: priv.p, qi: priv.qi });
    expect(keys.privateKey.key_ops).toEqual(['decrypt']);
  });

  it('accepts null private members on a public key (the original sent them as null)', () => {
    expect(publicJwk({ ...pub, d: null, p: null, q: null }).n).toBe(pub.n);
  });

  it.each([
    ['a 1024-bit modulus', () => publicJwk(webCryptoLike(1024).pub)],
    ['another alg', () => publicJwk({ ...pub, alg: 'RSA-OAEP' })],
    ['another kty', () => publicJwk({ ...pub, kty: 'EC' })],
    ['a public key carrying d', () => publicJwk({ ...pub, d: priv.d })],
    ['a non-base64url n', () => publicJwk({ ...pub, n: `${pub.n}=` })],
    ['an even exponent', () => publicJwk({ ...pub, e: 'AAE' })],
    ['key_ops without encrypt', () => publicJwk({ ...pub, key_ops: ['decrypt'] })],
    ['a private key without qi', () => privateJwk({ ...priv, qi: undefined })],
    ['a private key whose p·q is not n', () => privateJwk({ ...priv, p: priv.q, q: pub.n })],
    ['keys of two pairs', () => keyPair(webCryptoLike(2048).pub, priv)],
    ['not an object', () => publicJwk('n')],
    ['a one-character n (no byte)', () => publicJwk({ ...pub, n: 'A' })],
    ['a one-character e (no byte)', () => publicJwk({ ...pub, e: 'A' })],
    ['a one-character p (no byte)', () => privateJwk({ ...priv, p: 'A' })],
  ])('refuses %s', (_name, check) => {
    expect(check).toThrow(InvalidJwk);
  });
});
