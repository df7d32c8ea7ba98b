/**
 * Several built server processes (`npx nest build` first) forming one cluster on the machine's
 * Redis and one test database: what a multi-node spec needs. Every process is started here and
 * killed by its PID only (`stop()` in the caller's finally/afterAll).
 */
import { execFile } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import fs from 'node:fs';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import { freePort } from './free-port.js';
import { type ServerProcess, startServerProcess } from './server-process.js';
import { createTestDatabase, dropTestDatabase } from './test-database.js';

const run = promisify(execFile);

export const REDIS_HOST = '127.0.0.1';
export const REDIS_PORT = 6379;
export const REDIS_URL = `redis://${REDIS_HOST}:${REDIS_PORT}`;
/** The stamp-rally operators' bearer on every node (POST /api/json/notifications). */
export const ADMIN_API_TOKEN = 'cluster-admin-token-0123456789';
/** The HoloQuest client's bearer on every node (players). */
export const HOLOQUEST_API_TOKEN = 'cluster-holoquest-token-0123456789';

/** Every node's environment, before the per-node settings and the caller's overrides. */
const CLUSTER_ENV: Record<string, string> = {
  NODE_ENV: 'test',
  JWT_SECRET: 'cluster-jwt-secret-shared-by-every-node-0123456789',
  KEY_VAULT_SECRET: 'cluster-key-vault-secret-shared-by-every-node-01',
  BCRYPT_COST: '4',
  AUTH_RATE_LIMIT: '10000',
  LOG_FORMAT: 'json',
  REDIS_URL,
  PRESENCE_HEARTBEAT_MS: '200',
  PRESENCE_DOWN_MS: '1000',
  ADMIN_API_TOKEN,
  HOLOQUEST_API_TOKEN,
};

/** PING on the machine's Redis: true when it answers PONG within `timeoutMs`. */
export function redisAvailable(timeoutMs = 500): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = net.connect(REDIS_PORT, REDIS_HOST);
    let answer = '';
    const done = (up: boolean) => {
      clearTimeout(timer);
      socket.destroy();
      resolve(up);
    };
    const timer = setTimeout(() => done(false), timeoutMs);
    socket.on('connect', () => socket.write('PING\r\n'));
    socket.on('data', (chunk: Buffer) => {
      answer += chunk.toString('latin1');
      if (answer.includes('\r\n')) done(answer.startsWith('+PONG'));
    });
    socket.on('error', () => done(false));
  });
}

/**
 * `describe` for a multi-node spec; await it at the top level of the spec file. Without Redis
 * the spec is skipped with one line, except under `CI=true`, where it fails.
 */
export async function describeCluster(name: string, body: () => void): Promise<void> {
  if (await redisAvailable()) return describe(name, body);
  const why = `Redis does not answer on ${REDIS_HOST}:${REDIS_PORT}`;
  if (process.env.CI === 'true') {
    describe(name, () => {
      it('needs Redis (CI=true)', () => {
        throw new Error(`${why}: multi-node specs cannot run`);
      });
    });
    return;
  }
  process.stderr.write(`${why}: skipping the multi-node spec "${name}"\n`);
  describe.skip(name, body);
}

export interface ClusterNode {
  /** NODE_NAME: node1 … nodeN. */
  readonly name: string;
  readonly port: number;
  /** http://127.0.0.1:<port> */
  readonly url: string;
  /** ws://127.0.0.1:<port>/socket (the phoenix client appends /websocket) */
  readonly socketUrl: string;
  /** The current process's id (a new one after `restart`). */
  readonly pid: number;
  /** The current process. */
  readonly process: ServerProcess;
  /** stdout of the current process (JSON log lines). */
  logs(): string;
  /** Signals the current process and resolves once it has exited. */
  kill(signal?: NodeJS.Signals): Promise<void>;
  /** Kills the current process if it still runs, then starts a new one (same name and port). */
  restart(): Promise<void>;
}

export interface Cluster {
  /** CLUSTER_NAME of this run (fresh and random). */
  readonly name: string;
  readonly nodes: ClusterNode[];
  readonly databaseUrl: string;
  /**
   * `CLIENT KILL TYPE pubsub` for this cluster's subscriber connections (of `nodes` only, if
   * set), so that other runs sharing the Redis are untouched; resolves with how many were killed.
   */
  killPubSubConnections(nodes?: string[]): Promise<number>;
  /** Kills every process this cluster started (by PID), drops its database. */
  stop(): Promise<void>;
}

export interface ClusterOptions {
  /** How many nodes (default 3). */
  size?: number;
  /** Overrides for every node's environment. */
  env?: Record<string, string>;
}

/** Starts the nodes at once and resolves when every one answers GET /health with 200. */
export async function startCluster({ size = 3, env = {} }: ClusterOptions = {}): Promise<Cluster> {
  const clusterName = `nestling-test-${randomBytes(5).toString('hex')}`;
  const databaseUrl = await createTestDatabase();
  const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'nestling-cluster-'));
  const nodes: NodeHandle[] = [];
  const stop = async () => {
    await Promise.all(nodes.map((node) => node.kill('SIGKILL')));
    await dropTestDatabase(databaseUrl);
    fs.rmSync(dataDir, { recursive: true, force: true });
  };
  try {
    for (let i = 1; i <= size; i++) {
      const name = `node${i}`;
      nodes.push(
        new NodeHandle(name, await freePort(), {
          ...CLUSTER_ENV,
          CLUSTER_NAME: clusterName,
          NODE_NAME: name,
          DATABASE_URL: databaseUrl,
          DATA_DIR: path.join(dataDir, name),
          ...env,
        }),
      );
    }
    await Promise.all(nodes.map((node) => node.start()));
  } catch (error) {
    await stop();
    throw error;
  }
  return {
    name: clusterName,
    nodes,
    databaseUrl,
    killPubSubConnections: (nodes) => killPubSubConnections(clusterName, nodes),
    stop,
  };
}

class NodeHandle implements ClusterNode {
  readonly url: string;
  readonly socketUrl: string;
  private current: ServerProcess | undefined;

  constructor(
    readonly name: string,
    readonly port: number,
    private readonly env: Record<string, string>,
  ) {
    this.url = `http://127.0.0.1:${port}`;
    this.socketUrl = `ws://127.0.0.1:${port}/socket`;
  }

  get process(): ServerProcess {
    if (this.current === undefined) throw new Error(`${this.name} was never started`);
    return this.current;
  }

  get pid(): number {
    return this.process.child.pid!;
  }

  // Arrow properties: safe to pass around or destructure.
  readonly logs = (): string => this.current?.stdout() ?? '';

  async start(): Promise<void> {
    fs.mkdirSync(this.env.DATA_DIR, { recursive: true });
    this.current = startServerProcess({ ...this.env, PORT: String(this.port) });
    await waitForHealth(this.name, this.url, this.current);
  }

  readonly kill = async (signal: NodeJS.Signals = 'SIGTERM'): Promise<void> => {
    const server = this.current;
    const child = server?.child;
    // Only a process of ours that has not exited yet: its PID cannot have been reused.
    if (child === undefined || child.exitCode !== null || child.signalCode !== null) return;
    process.kill(child.pid!, signal);
    await server!.exited();
  };

  readonly restart = async (): Promise<void> => {
    await this.kill('SIGKILL');
    await this.start();
  };
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));
const tail = (server: ServerProcess) => server.stdout().slice(-2000);

async function waitForHealth(name: string, url: string, server: ServerProcess): Promise<void> {
  const deadline = Date.now() + 30_000;
  for (;;) {
    if (server.child.exitCode !== null || server.child.signalCode !== null)
      throw new Error(`${name} exited before answering /health: ${server.stderr()}${tail(server)}`);
    try {
      if ((await fetch(`${url}/health`)).status === 200) return;
    } catch {
      // not listening yet
    }
    if (Date.now() > deadline)
      throw new Error(`${name} did not answer /health within 30 s: ${tail(server)}`);
    await sleep(50);
  }
}

function redisCli(...args: string[]): Promise<string> {
  return run('redis-cli', ['-h', REDIS_HOST, '-p', String(REDIS_PORT), ...args], {
    timeout: 5000,
  }).then(({ stdout }) => stdout);
}

/**
 * `CLIENT KILL TYPE pubsub` for the subscriber connections of `cluster` (named
 * `<cluster>:<node>` by RedisBus), of the given nodes only if `nodes` is set; other clusters
 * sharing the Redis keep theirs. Resolves with how many were killed.
 */
export async function killPubSubConnections(cluster: string, nodes?: string[]): Promise<number> {
  const list = await redisCli('CLIENT', 'LIST', 'TYPE', 'pubsub');
  const ours = (name = '') =>
    nodes === undefined
      ? name.startsWith(`${cluster}:`)
      : nodes.some((node) => name === `${cluster}:${node}`);
  const ids = list
    .split('\n')
    .map((line) => Object.fromEntries(line.split(' ').map((field) => field.split('='))))
    .filter((fields: Record<string, string>) => ours(fields.name))
    .map((fields: Record<string, string>) => fields.id);
  const killed = await Promise.all(
    ids.map((id) => redisCli('CLIENT', 'KILL', 'TYPE', 'pubsub', 'ID', id)),
  );
  return killed.filter((answer) => answer.trim() === '1').length;
}
