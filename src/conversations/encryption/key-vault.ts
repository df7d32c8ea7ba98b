import { createCipheriv, createDecipheriv, hkdfSync, randomBytes } from 'node:crypto';
import { Inject, Injectable } from '@nestjs/common';
import { CONFIG, type Config } from '../../config/config.js';

const VERSION = 1;
const NONCE_BYTES = 12;
const TAG_BYTES = 16;
const HEADER = 1 + NONCE_BYTES + TAG_BYTES;

/** The AES-256 key of the vault: HKDF-SHA-256 of KEY_VAULT_SECRET (any length ≥ 32). */
export function vaultKey(secret: string): Buffer {
  return Buffer.from(
    hkdfSync('sha256', secret, 'nestling', 'nestling key vault: conversation private keys', 32),
  );
}

/**
 * Seals secrets at rest with AES-256-GCM (node:crypto): a random 96-bit nonce per seal, and the
 * caller's context (which row the secret belongs to) as additional authenticated data, so a
 * sealed value copied to another row does not open. Layout: version (1 byte), nonce, tag,
 * ciphertext. Neither the plaintext nor the key is ever logged.
 */
@Injectable()
export class KeyVault {
  private readonly key: Buffer;

  constructor(@Inject(CONFIG) config: Config) {
    this.key = vaultKey(config.vault.secret);
  }

  seal(plaintext: string, context: string): Buffer {
    const nonce = randomBytes(NONCE_BYTES);
    const cipher = createCipheriv('aes-256-gcm', this.key, nonce);
    cipher.setAAD(Buffer.from(context, 'utf8'));
    const body = Buffer.concat([cipher.update(plaintext, 'utf8'), cipher.final()]);
    return Buffer.concat([Buffer.of(VERSION), nonce, cipher.getAuthTag(), body]);
  }

  /** The plaintext; throws if the value was altered, sealed for another context or another key. */
  open(sealed: Buffer, context: string): string {
    if (sealed.length < HEADER || sealed[0] !== VERSION) throw new Error('unknown sealed format');
    const decipher = createDecipheriv('aes-256-gcm', this.key, sealed.subarray(1, 1 + NONCE_BYTES));
    decipher.setAAD(Buffer.from(context, 'utf8'));
    decipher.setAuthTag(sealed.subarray(1 + NONCE_BYTES, HEADER));
    return Buffer.concat([decipher.update(sealed.subarray(HEADER)), decipher.final()]).toString(
      'utf8',
    );
  }
}
