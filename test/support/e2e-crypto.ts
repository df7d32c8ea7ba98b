// What the newest chat-app client does with WebCrypto (chat-encrypted spec, Part B.2):
// RSA-OAEP, 2048 bits, SHA-256, keys exported and imported as JWK, ciphertexts in base64.
import { webcrypto } from 'node:crypto';

const { subtle } = webcrypto;
const PARAMS = {
  name: 'RSA-OAEP',
  modulusLength: 2048,
  publicExponent: new Uint8Array([1, 0, 1]),
  hash: 'SHA-256',
};

export type Jwk = Record<string, unknown>;

export interface KeyPairJwk {
  public_key: Jwk;
  private_key: Jwk;
}

/** generateKey(extractable) and export both as JWK, as the client's `generateKeys`. */
export async function generateKeys(): Promise<KeyPairJwk> {
  const pair = await subtle.generateKey(PARAMS, true, ['encrypt', 'decrypt']);
  return {
    public_key: (await subtle.exportKey('jwk', pair.publicKey)) as Jwk,
    private_key: (await subtle.exportKey('jwk', pair.privateKey)) as Jwk,
  };
}

/** importKey('jwk', key with nulls removed), as the client does with the server's keys. */
async function importKey(jwk: Jwk, use: 'encrypt' | 'decrypt') {
  const clean = Object.fromEntries(Object.entries(jwk).filter(([, v]) => v !== null));
  return subtle.importKey('jwk', clean as webcrypto.JsonWebKey, PARAMS, true, [use]);
}

/** UTF-8, RSA-OAEP encrypt, standard base64 (`btoa`). */
export async function encryptFor(publicJwk: Jwk, text: string): Promise<string> {
  const key = await importKey(publicJwk, 'encrypt');
  const bytes = await subtle.encrypt({ name: 'RSA-OAEP' }, key, new TextEncoder().encode(text));
  return Buffer.from(bytes).toString('base64');
}

/** base64 (`atob`), RSA-OAEP decrypt, UTF-8. */
export async function decryptWith(privateJwk: Jwk, ciphertext: string): Promise<string> {
  const key = await importKey(privateJwk, 'decrypt');
  const bytes = await subtle.decrypt({ name: 'RSA-OAEP' }, key, Buffer.from(ciphertext, 'base64'));
  return new TextDecoder().decode(bytes);
}

/** `encrypted_messages` for every member: `{user_id: ciphertext}` (the client's encryptMessageToAll). */
export async function encryptToAll(
  publicKeys: Record<string, Jwk>,
  text: string,
): Promise<Record<string, string>> {
  const entries = await Promise.all(
    Object.entries(publicKeys).map(async ([id, key]) => [id, await encryptFor(key, text)]),
  );
  return Object.fromEntries(entries) as Record<string, string>;
}
