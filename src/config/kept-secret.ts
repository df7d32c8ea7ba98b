import { randomBytes } from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';

/**
 * A secret generated once and kept in `DATA_DIR/<file>` (mode 0600), read back on later starts:
 * for development runs without the variable (production requires it). A kept value shorter than
 * 32 characters is replaced.
 */
export function keptSecret(dataDir: string, file: string): string {
  const where = path.join(dataDir, file);
  try {
    const existing = fs.readFileSync(where, 'utf8').trim();
    if (existing.length >= 32) return existing;
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== 'ENOENT') throw error;
  }
  fs.mkdirSync(dataDir, { recursive: true });
  const secret = randomBytes(48).toString('base64url');
  fs.writeFileSync(where, `${secret}\n`, { mode: 0o600 });
  return secret;
}
