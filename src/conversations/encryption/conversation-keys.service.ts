import { Injectable, Logger } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource, type EntityManager } from 'typeorm';
import { isUniqueViolation } from '../../database/postgres-errors.js';
import { ChatError } from '../chat-error.js';
import { InvalidJwk, keyPair, type PrivateJwk, type PublicJwk } from './jwk-rules.js';
import { KeyVault } from './key-vault.js';

/** The private members, null in a public key on the wire (as the original server sent them). */
const NO_PRIVATE_MEMBERS = { d: null, dp: null, dq: null, p: null, q: null, qi: null } as const;

/**
 * A key on the wire: the JWK plus `type` and `user_id` (spec Part B.5). A public key has the
 * private members as null (the client drops nulls before importing), never their values.
 */
export type WireKey = (
  (PublicJwk & typeof NO_PRIVATE_MEMBERS & { type: 'public' }) | (PrivateJwk & { type: 'private' })
) & { user_id: string };

const wirePublic = (jwk: PublicJwk, userId: string): WireKey => ({
  ...jwk,
  ...NO_PRIVATE_MEMBERS,
  type: 'public',
  user_id: userId,
});

/** The keys a member sees when joining an encrypted conversation. */
export interface JoinKeys {
  /** Every member that has a key pair, the caller included, keyed by user id. */
  public_keys: Record<string, WireKey>;
  /** The caller's own private key, or null when they have none yet. */
  private_key: WireKey | null;
}

/** What the sealed private key is bound to (AES-GCM additional data). */
const sealContext = (conversationId: string, userId: string) =>
  `conversation_keys:${conversationId}:${userId}`;

/** Valid keys, or `invalid_key` (the reason stays on the server, without the key). */
export function validKeyPair(publicKey: unknown, privateKey: unknown) {
  try {
    return keyPair(publicKey, privateKey);
  } catch (error) {
    if (error instanceof InvalidJwk) throw new ChatError('invalid_key', { detail: error.message });
    throw error;
  }
}

/**
 * Each member's RSA-OAEP key pair of an encrypted conversation. The public key is kept in clear;
 * the private key only sealed by the KeyVault (KEY_VAULT_SECRET). Keys never reach the logs.
 */
@Injectable()
export class ConversationKeysService {
  private readonly log = new Logger(ConversationKeysService.name);

  constructor(
    @InjectDataSource() private readonly db: DataSource,
    private readonly vault: KeyVault,
  ) {}

  /**
   * Stores a member's validated pair; `keys_already_set` when they have one (nothing changes).
   * Returns the public key as it goes on the wire.
   */
  async store(
    conversationId: string,
    userId: string,
    keys: { publicKey: PublicJwk; privateKey: PrivateJwk },
    manager: EntityManager = this.db.manager,
  ): Promise<WireKey> {
    const sealed = this.vault.seal(
      JSON.stringify(keys.privateKey),
      sealContext(conversationId, userId),
    );
    try {
      await manager.query(
        `INSERT INTO conversation_keys (conversation_id, user_id, public_key, private_key_sealed)
         VALUES ($1, $2, $3::jsonb, $4)`,
        [conversationId, userId, JSON.stringify(keys.publicKey), sealed],
      );
    } catch (error) {
      if (isUniqueViolation(error)) throw new ChatError('keys_already_set');
      throw error;
    }
    return wirePublic(keys.publicKey, userId);
  }

  /** The current members' public keys and the caller's private key (opened from the vault). */
  async forMember(conversationId: string, userId: string): Promise<JoinKeys> {
    const rows = await this.db.query<
      Array<{ user_id: string; public_key: PublicJwk; private_key_sealed: Buffer | null }>
    >(
      `SELECT k.user_id, k.public_key,
              CASE WHEN k.user_id = $2 THEN k.private_key_sealed END AS private_key_sealed
         FROM conversation_keys k
         JOIN conversation_members m ON m.conversation_id = k.conversation_id
                                    AND m.user_id = k.user_id
        WHERE k.conversation_id = $1
        ORDER BY k.user_id`,
      [conversationId, userId],
    );
    const keys: JoinKeys = { public_keys: {}, private_key: null };
    for (const row of rows) {
      keys.public_keys[row.user_id] = wirePublic(row.public_key, row.user_id);
      if (row.private_key_sealed !== null) keys.private_key = this.open(row, conversationId);
    }
    return keys;
  }

  private open(
    row: { user_id: string; private_key_sealed: Buffer | null },
    conversationId: string,
  ): WireKey {
    try {
      const jwk = JSON.parse(
        this.vault.open(row.private_key_sealed!, sealContext(conversationId, row.user_id)),
      ) as PrivateJwk;
      return { ...jwk, type: 'private', user_id: row.user_id };
    } catch {
      // A different KEY_VAULT_SECRET, or an altered row. Nothing of the key is logged.
      this.log.error(
        `the private key of user ${row.user_id} in conversation ${conversationId} does not open with KEY_VAULT_SECRET`,
      );
      throw new ChatError('key_unavailable');
    }
  }
}
