import { afterAll, beforeAll } from '@jest/globals';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { createTestDatabase, dropTestDatabase } from '../../../test/support/test-database.js';
import { ManagedProcess, startNestling } from '../../orchestrator/processes.js';

export const repoRoot = path.resolve(import.meta.dirname, '../../..');

/**
 * The built Nestling (`node dist/src/main.js`) on a free port, as the benchmark runs it
 * (startNestling), but on `databaseUrl` (a test database: never the machine's PostgreSQL) instead
 * of an embedded PostgreSQL: it runs the migrations itself. Resolves once `GET /health` answers
 * 200.
 */
export async function startNestlingOn(
  databaseUrl: string,
  dataDir: string,
): Promise<{ proc: ManagedProcess; url: string }> {
  const { proc, url } = await startNestling({
    dataDir,
    databaseUrl,
    cwd: repoRoot,
    timeoutMs: 20_000,
  });
  return { proc, url };
}

/** The load generator CLI (`bench/generator/main.ts`) with `args`, as the orchestrator runs it. */
export function startGeneratorCli(args: string[]): ManagedProcess {
  return new ManagedProcess({
    name: 'generator',
    nodeArgs: ['--import', 'tsx', 'bench/generator/main.ts', ...args],
    env: { PATH: process.env.PATH, HOME: process.env.HOME, NODE_ENV: 'production' },
    cwd: repoRoot,
    stdin: true, // `go` and `stop` (storm, idle)
  });
}

/** What a spec using `useBuiltNestling` reaches: the server's URL; the generator it starts. */
export interface BuiltNestling {
  readonly url: string;
  /** Starts the generator CLI; stopped after the spec whatever happens. */
  generator(args: string[]): ManagedProcess;
}

/**
 * Jest hooks for a spec that drives the built server: before all, an empty database on the test
 * run's PostgreSQL (jest globalSetup; never the machine's), which the server migrates, and the
 * server on it; after all, whatever failed, nothing left running, no database, no directory.
 */
export function useBuiltNestling(label: string): BuiltNestling {
  let databaseUrl: string | undefined;
  let dataDir: string | undefined;
  let nestling: { proc: ManagedProcess; url: string } | undefined;
  const generators: ManagedProcess[] = [];

  beforeAll(async () => {
    databaseUrl = await createTestDatabase(null);
    dataDir = fs.mkdtempSync(path.join(os.tmpdir(), `nestling-${label}-spec-`));
    nestling = await startNestlingOn(databaseUrl, dataDir);
  }, 30_000);

  afterAll(async () => {
    try {
      for (const generator of generators) await generator.stop(2000);
      await nestling?.proc.stop(5000); // SIGTERM, then SIGKILL to its process group
    } finally {
      try {
        if (databaseUrl) await dropTestDatabase(databaseUrl);
      } finally {
        if (dataDir) fs.rmSync(dataDir, { recursive: true, force: true });
      }
    }
  }, 20_000);

  return {
    get url() {
      if (!nestling) throw new Error('the built Nestling is not running');
      return nestling.url;
    },
    generator(args) {
      const generator = startGeneratorCli(args);
      generators.push(generator);
      return generator;
    },
  };
}
