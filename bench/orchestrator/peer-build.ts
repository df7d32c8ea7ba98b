import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';

/** Where `tsconfig.bench.json` compiles bench/peers (under dist/, git-ignored). */
export const PEERS_OUT_DIR = 'dist/bench/peers';
const PEERS_SRC_DIR = 'bench/peers';

/** The compiled peer scripts that are missing or older than their TypeScript source. */
export function stalePeers(root = process.cwd()): string[] {
  const src = path.join(root, PEERS_SRC_DIR);
  return fs
    .readdirSync(src)
    .filter((f) => f.endsWith('.ts') && !f.endsWith('.spec.ts'))
    .filter((f) => {
      const out = path.join(root, PEERS_OUT_DIR, f.replace(/\.ts$/, '.js'));
      return (
        !fs.existsSync(out) || fs.statSync(out).mtimeMs < fs.statSync(path.join(src, f)).mtimeMs
      );
    });
}

/**
 * Compiles the peers (`tsc -p tsconfig.bench.json`) when any compiled script is missing or
 * stale, so that they run as `node dist/bench/peers/<peer>.js`, compiled as Nestling is.
 */
export function ensurePeersBuilt(log: (message: string) => void, root = process.cwd()): void {
  const stale = stalePeers(root);
  if (stale.length === 0) return;
  log(`compiling the peers (${stale.join(', ')} missing or stale): tsc -p tsconfig.bench.json`);
  const tsc = path.join(root, 'node_modules', 'typescript', 'bin', 'tsc');
  execFileSync(process.execPath, [tsc, '-p', 'tsconfig.bench.json'], {
    cwd: root,
    stdio: 'inherit',
  });
}

/**
 * Whether uWebSockets.js (npm `uwebsockets`, a native addon) loads in a node like the peers':
 * undefined when it does, else why not (its error's first lines).
 */
export function uwsUnavailable(root = process.cwd()): string | undefined {
  try {
    execFileSync(process.execPath, ['-e', "require('uwebsockets')"], {
      cwd: root,
      stdio: ['ignore', 'ignore', 'pipe'],
      encoding: 'utf8',
      timeout: 20_000,
    });
    return undefined;
  } catch (error) {
    const stderr = (error as { stderr?: string }).stderr ?? '';
    const message = /^(?:Error|\w+Error)[^\n]*(?:\n\n[^\n]*)?/m.exec(stderr)?.[0];
    return (message ?? (error instanceof Error ? error.message : String(error)))
      .replace(/\s+/g, ' ')
      .trim()
      .slice(0, 400);
  }
}
