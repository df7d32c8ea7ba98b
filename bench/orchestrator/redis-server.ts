import fs from 'node:fs';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { freePort, ManagedProcess, sleep } from './processes.js';

/** The absolute path of `name` found on PATH, or undefined. */
export function findExecutable(name: string): string | undefined {
  for (const dir of (process.env.PATH ?? '').split(path.delimiter)) {
    if (!dir) continue;
    const candidate = path.join(dir, name);
    try {
      fs.accessSync(candidate, fs.constants.X_OK);
      if (fs.statSync(candidate).isFile()) return candidate;
    } catch {
      // Not here.
    }
  }
  return undefined;
}

/** True when a Redis on 127.0.0.1:`port` answers PING within `timeoutMs`. */
export function redisAnswers(port: number, timeoutMs = 500): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = net.connect(port, '127.0.0.1');
    let reply = '';
    const done = (answer: boolean) => {
      socket.destroy();
      resolve(answer);
    };
    socket.setTimeout(timeoutMs, () => done(false));
    socket.on('connect', () => socket.write('PING\r\n'));
    socket.on('data', (chunk) => {
      reply += chunk.toString('latin1');
      if (reply.includes('\r\n')) done(reply.startsWith('+PONG'));
    });
    socket.on('error', () => done(false));
  });
}

export interface RunningRedis {
  proc: ManagedProcess;
  port: number;
  url: string;
}

/**
 * A `redis-server` of the benchmark's own on a free 127.0.0.1 port (so that the machine's Redis
 * is left alone), without persistence (no RDB snapshot, no AOF), as a cluster's bus needs; pinned
 * to `cpu` when given. Resolves once it answers PING.
 */
export async function startRedis(
  options: { cpu?: number; timeoutMs?: number } = {},
): Promise<RunningRedis> {
  const command = findExecutable('redis-server');
  if (command === undefined) {
    throw new Error(
      'redis-server is not on PATH: the cross-node fan-out starts a Redis of its own ' +
        '(Debian: apt-get install redis-server)',
    );
  }
  const port = await freePort();
  const proc = new ManagedProcess({
    name: 'redis-server',
    command,
    nodeArgs: [
      '--port', String(port), '--bind', '127.0.0.1', '--save', '', '--appendonly', 'no',
      '--dir', os.tmpdir(), '--daemonize', 'no', '--loglevel', 'warning',
    ], // prettier-ignore
    env: { PATH: process.env.PATH },
    cpu: options.cpu,
  });
  const timeoutMs = options.timeoutMs ?? 10_000;
  try {
    await proc.verifyExe();
    const started = Date.now();
    while (!(await redisAnswers(port))) {
      if (proc.hasExited) throw new Error(`redis-server exited at once: ${proc.describeOutput()}`);
      if (Date.now() - started > timeoutMs) {
        throw new Error(
          `redis-server not answering within ${timeoutMs} ms: ${proc.describeOutput()}`,
        );
      }
      await sleep(50);
    }
  } catch (error) {
    await proc.stop(2000);
    throw error;
  }
  return { proc, port, url: `redis://127.0.0.1:${port}` };
}
