import path from 'node:path';
import { freePort, ManagedProcess, nestlingEnv, sleep } from '../../orchestrator/processes.js';

export const repoRoot = path.resolve(import.meta.dirname, '../../..');

/**
 * The built Nestling (`node dist/src/main.js`) on a free port, as the benchmark runs it
 * (nestlingEnv), but on `databaseUrl` (a test database: never the machine's PostgreSQL) instead
 * of an embedded PostgreSQL: it runs the migrations itself. Resolves once `GET /health` answers
 * 200.
 */
export async function startNestlingOn(
  databaseUrl: string,
  dataDir: string,
): Promise<{ proc: ManagedProcess; url: string }> {
  const port = await freePort();
  const env: NodeJS.ProcessEnv = { ...nestlingEnv(dataDir, port, port), DATABASE_URL: databaseUrl };
  delete env.EMBEDDED_PG_PORT; // no embedded PostgreSQL with DATABASE_URL
  const proc = new ManagedProcess({
    name: 'nestling',
    nodeArgs: ['dist/src/main.js'],
    env,
    cwd: repoRoot,
  });
  const url = `http://127.0.0.1:${port}`;
  const deadline = Date.now() + 20_000;
  try {
    for (;;) {
      try {
        const response = await fetch(`${url}/health`, { signal: AbortSignal.timeout(1000) });
        await response.body?.cancel();
        if (response.status === 200) return { proc, url };
      } catch {
        // Not listening yet.
      }
      if (proc.hasExited) throw new Error(`nestling exited during start: ${proc.describeOutput()}`);
      if (Date.now() > deadline) throw new Error(`nestling not ready: ${proc.describeOutput()}`);
      await sleep(100);
    }
  } catch (error) {
    await proc.stop(2000);
    throw error;
  }
}

/** The load generator CLI (`bench/generator/main.ts`) with `args`, as the orchestrator runs it. */
export function startGeneratorCli(args: string[]): ManagedProcess {
  return new ManagedProcess({
    name: 'generator',
    nodeArgs: ['--import', 'tsx', 'bench/generator/main.ts', ...args],
    env: { PATH: process.env.PATH, HOME: process.env.HOME, NODE_ENV: 'production' },
    cwd: repoRoot,
  });
}
