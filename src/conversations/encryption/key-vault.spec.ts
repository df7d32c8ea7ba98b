import { KeyVault } from './key-vault.js';
import type { Config } from '../../config/config.js';

const vaultWith = (secret: string) => new KeyVault({ vault: { secret } } as Config);

describe('KeyVault', () => {
  const vault = vaultWith('a-key-vault-secret-of-at-least-32-chars');

  it('seals with AES-256-GCM (fresh nonce each time) and opens in the same context', () => {
    const a = vault.seal('{"d":"secret"}', 'row:1');
    const b = vault.seal('{"d":"secret"}', 'row:1');
    expect(a.equals(b)).toBe(false);
    expect(a.toString('latin1')).not.toContain('secret');
    expect(vault.open(a, 'row:1')).toBe('{"d":"secret"}');
  });

  it('refuses another context, another secret or an altered value', () => {
    const sealed = vault.seal('private', 'row:1');
    expect(() => vault.open(sealed, 'row:2')).toThrow();
    expect(() =>
      vaultWith('another-key-vault-secret-of-32-chars!').open(sealed, 'row:1'),
    ).toThrow();
    const altered = Buffer.from(sealed);
    altered[altered.length - 1] ^= 1;
    expect(() => vault.open(altered, 'row:1')).toThrow();
  });
});
