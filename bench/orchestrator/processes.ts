import { type ChildProcess, execFileSync, spawn } from 'node:child_process';
import fs from 'node:fs';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { PEERS_OUT_DIR } from './peer-build.js';
import { descendants, readExe } from './proc-stats.js';

/** True when `taskset` runs here and there are at least two CPUs to pin server and generator to. */
export function tasksetAvailable(): boolean {
  if (os.availableParallelism() < 2) return false;
  try {
    execFileSync('taskset', ['-c', '0', 'true'], { stdio: 'ignore' });
    return true;
  } catch {
    return false;
  }
}

/**
 * Moves every process descending from `pid` (Nestling's embedded PostgreSQL) to `cpus` (a taskset
 * list such as "1" or "0,1"); backends forked later inherit the postmaster's affinity.
 */
export function repinDescendants(pid: number, cpus: string): number[] {
  const moved: number[] = [];
  for (const child of descendants(pid)) {
    try {
      execFileSync('taskset', ['-a', '-p', '-c', cpus, String(child.pid)], { stdio: 'ignore' });
      moved.push(child.pid);
    } catch {
      // Gone meanwhile.
    }
  }
  return moved;
}

/** A TCP port that was free a moment ago on 127.0.0.1. */
export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = net.createServer();
    server.unref();
    server.on('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address() as net.AddressInfo;
      server.close(() => resolve(port));
    });
  });
}

export interface LaunchOptions {
  /** For messages: "nestling", "ws generator", … */
  name: string;
  /** The program to run (an absolute path); default node itself. */
  command?: string;
  /** Arguments after `node` (or after `command`). */
  nodeArgs: string[];
  env: NodeJS.ProcessEnv;
  /** Pin to this CPU with `taskset -c <cpu>` (taskset execs node, so the PID stays node's). */
  cpu?: number;
  cwd?: string;
  /** Keep stdin open for writing (the idle generator waits for `stop`). */
  stdin?: boolean;
}

export interface Exit {
  code: number | null;
  signal: NodeJS.Signals | null;
}

const live = new Set<ManagedProcess>();

/** A node child in its own process group, its stdout kept as lines. */
export class ManagedProcess {
  readonly child: ChildProcess;
  readonly pid: number;
  readonly name: string;
  readonly pinnedCpu: number | undefined;
  /** What the PID must end up running (taskset execs it). */
  private readonly executable: string;
  readonly lines: string[] = [];
  readonly exited: Promise<Exit>;
  private exit: Exit | undefined;
  private stderrTail = '';
  private partial = '';
  private readonly waiters = new Set<() => void>();

  constructor(options: LaunchOptions) {
    this.name = options.name;
    this.pinnedCpu = options.cpu;
    this.executable = options.command ?? process.execPath;
    const [command, args] =
      options.cpu === undefined
        ? [this.executable, options.nodeArgs]
        : ['taskset', ['-c', String(options.cpu), this.executable, ...options.nodeArgs]];
    this.child = spawn(command, args, {
      cwd: options.cwd,
      env: options.env,
      // Its own process group: stopping it also stops what it started (embedded PostgreSQL).
      detached: true,
      stdio: [options.stdin ? 'pipe' : 'ignore', 'pipe', 'pipe'],
    });
    if (this.child.pid === undefined) throw new Error(`${this.name}: could not spawn ${command}`);
    this.pid = this.child.pid;
    live.add(this);
    this.exited = new Promise((resolve) => {
      this.child.on('exit', (code, signal) => {
        this.exit = { code, signal };
        live.delete(this);
        this.notify();
        resolve(this.exit);
      });
    });
    this.child.on('error', (error) => {
      this.stderrTail += `\nspawn error: ${error.message}`;
    });
    this.child.stdout!.setEncoding('utf8');
    this.child.stdout!.on('data', (chunk: string) => this.onStdout(chunk));
    this.child.stderr!.setEncoding('utf8');
    this.child.stderr!.on('data', (chunk: string) => {
      this.stderrTail = (this.stderrTail + chunk).slice(-4000);
    });
    this.child.stdin?.on('error', () => undefined);
  }

  get hasExited(): boolean {
    return this.exit !== undefined;
  }

  /** The last lines of stderr and stdout, for error messages. */
  describeOutput(): string {
    const err = this.stderrTail.trim().split('\n').slice(-5).join(' / ');
    const out = this.lines.slice(-3).join(' / ');
    return `${this.name} (pid ${this.pid}) stderr: ${err || '(empty)'}; stdout: ${out || '(empty)'}`;
  }

  /**
   * Waits until `/proc/<pid>/exe` is the program asked for (node, or `command`): with taskset the
   * exec takes a moment, and measuring the wrong PID would be silent nonsense.
   */
  async verifyExe(timeoutMs = 3000): Promise<void> {
    const expected = fs.realpathSync(this.executable);
    const started = Date.now();
    for (;;) {
      const exe = readExe(this.pid);
      if (exe === expected) return;
      if (this.hasExited) throw new Error(`${this.name} exited at once: ${this.describeOutput()}`);
      if (Date.now() - started > timeoutMs) {
        throw new Error(`${this.name}: PID ${this.pid} runs ${exe ?? '?'}, not ${expected}`);
      }
      await sleep(10);
    }
  }

  /** The first stdout line (from the start) satisfying `test`. Rejects on exit or timeout. */
  waitForLine(test: (line: string) => boolean, timeoutMs: number, what: string): Promise<string> {
    return new Promise((resolve, reject) => {
      const check = () => {
        const line = this.lines.find(test);
        if (line !== undefined) return done(() => resolve(line));
        if (this.exit) {
          const how = this.exit.signal ?? `code ${this.exit.code}`;
          return done(() =>
            reject(
              new Error(`${this.name} exited (${how}) before ${what}: ${this.describeOutput()}`),
            ),
          );
        }
      };
      const timer = setTimeout(
        () =>
          done(() =>
            reject(
              new Error(
                `${this.name}: no ${what} within ${timeoutMs} ms: ${this.describeOutput()}`,
              ),
            ),
          ),
        timeoutMs,
      );
      const done = (settle: () => void) => {
        clearTimeout(timer);
        this.waiters.delete(check);
        settle();
      };
      this.waiters.add(check);
      check();
    });
  }

  /** The first stdout JSON object satisfying `test`. */
  async waitForJson<T>(
    test: (value: Record<string, unknown>) => boolean,
    timeoutMs: number,
    what: string,
  ): Promise<T> {
    const line = await this.waitForLine((l) => test(parseJsonLine(l) ?? {}), timeoutMs, what);
    return parseJsonLine(line) as T;
  }

  write(text: string): void {
    if (this.child.stdin && !this.child.stdin.destroyed) this.child.stdin.write(text);
  }

  closeStdin(): void {
    this.child.stdin?.end();
  }

  /**
   * Sends `signal` to the process (not its group: Nestling stops its own database), waits up to
   * `graceMs`, then kills the whole group. Always leaves nothing of the group running.
   */
  async stop(
    graceMs = 10_000,
    signal: NodeJS.Signals = 'SIGTERM',
  ): Promise<Exit & { forced: boolean }> {
    let forced = false;
    if (!this.exit) {
      try {
        process.kill(this.pid, signal);
      } catch {
        // Already gone.
      }
      let timer: NodeJS.Timeout | undefined;
      const timeout = new Promise<undefined>((resolve) => {
        timer = setTimeout(() => resolve(undefined), graceMs);
      });
      const exit = await Promise.race([this.exited, timeout]);
      clearTimeout(timer);
      if (!exit) forced = true;
    }
    this.killGroup();
    const exit = await this.exited;
    return { ...exit, forced };
  }

  /** SIGKILL to the process group (synchronous; safe to call when everything is gone). */
  killGroup(): void {
    try {
      process.kill(-this.pid, 'SIGKILL');
    } catch {
      // No process left in the group.
    }
  }

  private onStdout(chunk: string) {
    const parts = (this.partial + chunk).split('\n');
    this.partial = parts.pop() ?? '';
    for (const line of parts) if (line.trim()) this.lines.push(line);
    this.notify();
  }

  private notify() {
    for (const waiter of [...this.waiters]) waiter();
  }
}

export function parseJsonLine(line: string): Record<string, unknown> | undefined {
  try {
    const value: unknown = JSON.parse(line);
    return value !== null && typeof value === 'object' && !Array.isArray(value)
      ? (value as Record<string, unknown>)
      : undefined;
  } catch {
    return undefined;
  }
}

/** Kills every process group still running (used on exit and on signals). */
export function killAllSync(): void {
  for (const managed of live) managed.killGroup();
}

/**
 * Never leave servers behind: on exit, Ctrl-C or SIGTERM every child group is killed, then
 * `onExit` runs (synchronously: removing temporary directories).
 */
export function installCleanup(onExit: () => void = () => undefined): void {
  const cleanup = () => {
    killAllSync();
    try {
      onExit();
    } catch {
      // Best effort on the way out.
    }
  };
  process.on('exit', cleanup);
  for (const signal of ['SIGINT', 'SIGTERM', 'SIGHUP'] as const) {
    process.on(signal, () => {
      process.stderr.write(`\nbench: ${signal}, stopping every child\n`);
      cleanup();
      process.exit(130);
    });
  }
}

export function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}

/** The few variables a child needs from ours; nothing else leaks in (no DATABASE_URL, tokens). */
function baseEnv(): NodeJS.ProcessEnv {
  const env: NodeJS.ProcessEnv = {};
  for (const name of ['PATH', 'HOME', 'TMPDIR', 'LANG', 'TZ']) {
    if (process.env[name] !== undefined) env[name] = process.env[name];
  }
  return env;
}

/**
 * Nestling's environment for the benchmark. Rate limits that would throttle the load are raised
 * to their configured maxima (RALLY_RATE_LIMIT ≤ 100,000 per window, AUTH_RATE_LIMIT ≤
 * 1,000,000), never switched off.
 */
export function nestlingEnv(dataDir: string, port: number, pgPort: number): NodeJS.ProcessEnv {
  return {
    ...baseEnv(),
    NODE_ENV: 'development',
    DATA_DIR: dataDir,
    PORT: String(port),
    HOST: '127.0.0.1',
    EMBEDDED_PG_PORT: String(pgPort),
    LOG_LEVEL: 'warn',
    LOG_FORMAT: 'json',
    RALLY_RATE_LIMIT: '100000',
    AUTH_RATE_LIMIT: '1000000',
    BCRYPT_COST: '4',
    WS_IDLE_TIMEOUT_MS: '600000',
  };
}

/**
 * How to reach the embedded PostgreSQL of a Nestling started under `dataDir` with
 * `EMBEDDED_PG_PORT=port`: superuser `postgres`, its password in `<dataDir>/postgres.password`,
 * database `nestling`.
 */
export function embeddedPostgres(dataDir: string, port: number) {
  const password = fs.readFileSync(path.join(dataDir, 'postgres.password'), 'utf8').trim();
  const connection = { host: '127.0.0.1', port, user: 'postgres', password, database: 'nestling' };
  const url = `postgres://postgres:${encodeURIComponent(password)}@127.0.0.1:${port}/nestling`;
  return { connection, url };
}

export interface RunningServer {
  proc: ManagedProcess;
  url: string;
  /** performance.now() when the process was spawned. */
  spawnedAt: number;
  /** Started with `--inspect=127.0.0.1:<inspectPort>` (see inspector.ts). */
  inspectPort?: number;
  /**
   * Nestling: the port of its embedded PostgreSQL on 127.0.0.1 (`EMBEDDED_PG_PORT`; superuser
   * `postgres`, password in `<DATA_DIR>/postgres.password`, database `nestling`).
   */
  pgPort?: number;
}

/**
 * `--inspect=127.0.0.1:<port>` on a port free a moment ago and distinct from `taken`, so that
 * the orchestrator can force a full GC in the server (inspector.ts); none when not asked.
 */
async function inspectArgs(
  inspect: boolean | undefined,
  taken: readonly number[] = [],
): Promise<{ args: string[]; port?: number }> {
  if (!inspect) return { args: [] };
  let port = await freePort();
  while (taken.includes(port)) port = await freePort();
  return { args: [`--inspect=127.0.0.1:${port}`], port };
}

export interface NestlingOptions {
  dataDir: string;
  /**
   * A PostgreSQL to use instead of starting an embedded one under `dataDir` (another node's, or
   * a test's database): the server runs the pending migrations itself.
   */
  databaseUrl?: string;
  /** More environment over nestlingEnv's (a cluster's REDIS_URL, CLUSTER_NAME, NODE_NAME). */
  env?: NodeJS.ProcessEnv;
  /** For messages (default "nestling"). */
  name?: string;
  cwd?: string;
  cpu?: number;
  /** Run under `--cpu-prof`, writing `<dir>/<name>` when the process exits. */
  profile?: { dir: string; name: string };
  /** Run with the V8 inspector on a free 127.0.0.1 port (`RunningServer.inspectPort`). */
  inspect?: boolean;
  timeoutMs?: number;
}

/**
 * `[taskset -c 0] node [--cpu-prof …] [--inspect=…] dist/src/main.js`. Ready when it logs
 * "Nestling listening on" or, since that line is logged at info and the benchmark runs at
 * LOG_LEVEL=warn, when `GET /health` answers 200.
 */
export async function startNestling(options: NestlingOptions): Promise<RunningServer> {
  const port = await freePort();
  let pgPort: number | undefined = await freePort();
  while (pgPort === port) pgPort = await freePort();
  const env = { ...nestlingEnv(options.dataDir, port, pgPort), ...options.env };
  if (options.databaseUrl !== undefined) {
    env.DATABASE_URL = options.databaseUrl;
    delete env.EMBEDDED_PG_PORT; // no embedded PostgreSQL with DATABASE_URL
    pgPort = undefined;
  }
  const profileArgs = options.profile
    ? [
        '--cpu-prof',
        `--cpu-prof-dir=${options.profile.dir}`,
        `--cpu-prof-name=${options.profile.name}`,
      ]
    : [];
  const inspect = await inspectArgs(options.inspect, [port, pgPort ?? port]);
  const spawnedAt = performance.now();
  const name = options.name ?? 'nestling';
  const proc = new ManagedProcess({
    name,
    nodeArgs: [...serverV8Flags(), ...profileArgs, ...inspect.args, 'dist/src/main.js'],
    env,
    cpu: options.cpu,
    cwd: options.cwd,
  });
  const url = `http://127.0.0.1:${port}`;
  const timeoutMs = options.timeoutMs ?? 60_000;
  try {
    await proc.verifyExe();
    const started = Date.now();
    for (;;) {
      if (proc.lines.some((line) => line.includes('Nestling listening on'))) break;
      if (await answers200(`${url}/health`)) break;
      if (proc.hasExited) throw new Error(`${name} exited during start: ${proc.describeOutput()}`);
      if (Date.now() - started > timeoutMs) {
        throw new Error(`${name} not ready within ${timeoutMs} ms: ${proc.describeOutput()}`);
      }
      await sleep(100);
    }
  } catch (error) {
    await proc.stop(5000);
    throw error;
  }
  return { proc, url, spawnedAt, inspectPort: inspect.port, pgPort };
}

async function answers200(url: string): Promise<boolean> {
  try {
    const response = await fetch(url, { signal: AbortSignal.timeout(1000) });
    await response.body?.cancel();
    return response.status === 200;
  } catch {
    return false;
  }
}

/** The peers, compiled by `tsconfig.bench.json` (see peer-build.ts): run as Nestling is, by node. */
export const PEER_SCRIPTS = {
  ws: `${PEERS_OUT_DIR}/ws-server.js`,
  socketio: `${PEERS_OUT_DIR}/socketio-server.js`,
  uws: `${PEERS_OUT_DIR}/uws-server.js`,
} as const;

export type Peer = keyof typeof PEER_SCRIPTS;

/** Node's arguments for a peer script: TypeScript (tests' stand-ins) under tsx, else as is. */
/**
 * The V8 flags of `npm run start:prod` (the words between `node` and the script), read from
 * package.json so that the bench runs Nestling as production does; every server of the bench,
 * the peers too, gets them, so that none is tuned and the others not.
 */
export function serverV8Flags(root = process.cwd()): string[] {
  const pkg = JSON.parse(fs.readFileSync(path.join(root, 'package.json'), 'utf8')) as {
    scripts?: Record<string, string>;
  };
  const words = (pkg.scripts?.['start:prod'] ?? '').trim().split(/\s+/);
  if (words[0] !== 'node') return [];
  return words.slice(1).filter((word) => word.startsWith('--'));
}

export function peerNodeArgs(script: string): string[] {
  return script.endsWith('.ts') ? ['--import', 'tsx', script] : [script];
}

export interface PeerOptions {
  /** Pin to this CPU (see LaunchOptions.cpu). */
  cpu?: number;
  /** Another script in place of the compiled peer (tests; a `.ts` one runs under tsx). */
  script?: string;
  /** Run with the V8 inspector on a free 127.0.0.1 port (`RunningServer.inspectPort`). */
  inspect?: boolean;
  timeoutMs?: number;
}

/**
 * `[taskset -c 0] node [--inspect=…] dist/bench/peers/<peer>.js` (compiled: no tsx loader in the
 * measured process).
 */
export async function startPeer(peer: Peer, options: PeerOptions = {}): Promise<RunningServer> {
  const { cpu, script = PEER_SCRIPTS[peer], timeoutMs = 30_000 } = options;
  const inspect = await inspectArgs(options.inspect);
  const spawnedAt = performance.now();
  const proc = new ManagedProcess({
    name: `${peer} peer`,
    nodeArgs: [...serverV8Flags(), ...inspect.args, ...peerNodeArgs(script)],
    env: { ...baseEnv(), PORT: '0', NODE_ENV: 'production' },
    cpu,
  });
  try {
    await proc.verifyExe();
    const line = await proc.waitForJson<{ listening: number }>(
      (v) => typeof v.listening === 'number',
      timeoutMs,
      '{"listening":<port>}',
    );
    return {
      proc,
      url: `http://127.0.0.1:${line.listening}`,
      spawnedAt,
      inspectPort: inspect.port,
    };
  } catch (error) {
    await proc.stop(5000);
    throw error;
  }
}

/** `[taskset -c 1] node --import tsx bench/generator/main.ts …args` with stdin open. */
export async function startGenerator(
  args: string[],
  cpu?: number,
  script = 'bench/generator/main.ts',
): Promise<ManagedProcess> {
  const proc = new ManagedProcess({
    name: 'generator',
    nodeArgs: ['--import', 'tsx', script, ...args],
    env: { ...baseEnv(), NODE_ENV: 'production' },
    cpu,
    stdin: true,
  });
  try {
    await proc.verifyExe();
  } catch (error) {
    await proc.stop(2000);
    throw error;
  }
  return proc;
}
