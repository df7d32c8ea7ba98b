// KEY_VAULT_SECRET at boot (issue 15): the built server refuses to start in production without
// it, with one line naming it; outside production it generates one under DATA_DIR and warns.
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { startServerProcess } from './support/server-process.js';

describe('KEY_VAULT_SECRET at boot', () => {
  it('production without it exits with 1 and one line naming it', async () => {
    const server = startServerProcess({
      NODE_ENV: 'production',
      DATABASE_URL: 'postgres://u@127.0.0.1:1/x',
      JWT_SECRET: 'j'.repeat(40),
      HOLOQUEST_API_TOKEN: 'h'.repeat(24),
      ADMIN_API_TOKEN: 'a'.repeat(24),
      DATA_DIR: fs.mkdtempSync(path.join(os.tmpdir(), 'nl-vault-')),
    });
    expect(await server.exited()).toBe(1);
    expect(server.stderr().trim()).toBe(
      'Invalid configuration: KEY_VAULT_SECRET is required when NODE_ENV=production',
    );
  });
});
