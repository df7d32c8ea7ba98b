import { createPrivateKey, createPublicKey } from 'node:crypto';

/** What the WebCrypto client exports for RSA-OAEP with SHA-256 (Part B.2 of the spec). */
export const JWK_ALG = 'RSA-OAEP-256';
export const MIN_MODULUS_BITS = 2048;
/** Bounds the work a key costs (and the row it makes). */
export const MAX_MODULUS_BITS = 8192;

const PRIVATE_MEMBERS = ['d', 'p', 'q', 'dp', 'dq', 'qi'] as const;
const BASE64URL = /^[A-Za-z0-9_-]+$/;
/** Characters of base64url for MAX_MODULUS_BITS (1366). */
const MAX_MEMBER_CHARS = Math.ceil(MAX_MODULUS_BITS / 6);

export interface PublicJwk {
  kty: 'RSA';
  alg: typeof JWK_ALG;
  n: string;
  e: string;
  ext: true;
  key_ops: ['encrypt'];
}

export interface PrivateJwk extends Omit<PublicJwk, 'key_ops'> {
  d: string;
  p: string;
  q: string;
  dp: string;
  dq: string;
  qi: string;
  key_ops: ['decrypt'];
}

/** Why a key was refused (for tests and logs; the client only ever sees `invalid_key`). */
export class InvalidJwk extends Error {
  constructor(reason: string) {
    super(reason);
    this.name = 'InvalidJwk';
  }
}

const present = (value: unknown) => value !== undefined && value !== null;

function member(jwk: Record<string, unknown>, name: string): string {
  const value = jwk[name];
  // One base64url character decodes to no byte at all: no integer (BigInt('0x') would throw).
  if (
    typeof value !== 'string' ||
    !BASE64URL.test(value) ||
    value.length > MAX_MEMBER_CHARS ||
    Buffer.from(value, 'base64url').length === 0
  )
    throw new InvalidJwk(`${name} is not a base64url integer`);
  return value;
}

const bigOf = (b64url: string) => BigInt(`0x${Buffer.from(b64url, 'base64url').toString('hex')}`);

/** The members every RSA-OAEP-256 key has; checks kty, alg, ext, key_ops and the modulus size. */
function common(value: unknown, op: 'encrypt' | 'decrypt') {
  if (typeof value !== 'object' || value === null || Array.isArray(value))
    throw new InvalidJwk('not a JSON object');
  const jwk = value as Record<string, unknown>;
  if (jwk.kty !== 'RSA') throw new InvalidJwk('kty is not RSA');
  if (jwk.alg !== JWK_ALG) throw new InvalidJwk(`alg is not ${JWK_ALG}`);
  if (present(jwk.ext) && typeof jwk.ext !== 'boolean') throw new InvalidJwk('ext is not boolean');
  if (present(jwk.key_ops)) {
    const ops = jwk.key_ops;
    if (!Array.isArray(ops) || ops.length > 8 || !ops.includes(op))
      throw new InvalidJwk(`key_ops does not allow ${op}`);
  }
  const n = member(jwk, 'n');
  const e = member(jwk, 'e');
  const bits = bigOf(n).toString(2).length;
  if (bits < MIN_MODULUS_BITS) throw new InvalidJwk(`modulus of ${bits} bits`);
  if (bits > MAX_MODULUS_BITS) throw new InvalidJwk(`modulus of ${bits} bits`);
  const exponent = bigOf(e);
  if (e.length > 12 || exponent < 3n || exponent % 2n === 0n)
    throw new InvalidJwk('bad public exponent');
  return { jwk, n, e };
}

/** A public RSA-OAEP-256 key of at least 2048 bits, in its canonical form; else InvalidJwk. */
export function publicJwk(value: unknown): PublicJwk {
  const { jwk, n, e } = common(value, 'encrypt');
  if (PRIVATE_MEMBERS.some((name) => present(jwk[name])))
    throw new InvalidJwk('a public key with private members');
  try {
    createPublicKey({ key: { kty: 'RSA', n, e }, format: 'jwk' });
  } catch {
    throw new InvalidJwk('not an RSA public key');
  }
  return { kty: 'RSA', alg: JWK_ALG, n, e, ext: true, key_ops: ['encrypt'] };
}

/** A private RSA-OAEP-256 key (every CRT member, p·q = n), canonical; else InvalidJwk. */
export function privateJwk(value: unknown): PrivateJwk {
  const { jwk, n, e } = common(value, 'decrypt');
  const [d, p, q, dp, dq, qi] = PRIVATE_MEMBERS.map((name) => member(jwk, name));
  if (bigOf(p) * bigOf(q) !== bigOf(n)) throw new InvalidJwk('p·q is not n');
  const key = { kty: 'RSA' as const, alg: JWK_ALG as typeof JWK_ALG, n, e, d, p, q, dp, dq, qi };
  try {
    createPrivateKey({ key, format: 'jwk' });
  } catch {
    throw new InvalidJwk('not an RSA private key');
  }
  return { ...key, ext: true, key_ops: ['decrypt'] };
}

/** Both keys valid and of one pair (same modulus and exponent). */
export function keyPair(publicValue: unknown, privateValue: unknown) {
  const pub = publicJwk(publicValue);
  const priv = privateJwk(privateValue);
  if (pub.n !== priv.n || pub.e !== priv.e) throw new InvalidJwk('the keys are not one pair');
  return { publicKey: pub, privateKey: priv };
}
