/**
 * A `redis-server` of the test's own, as a child process on 127.0.0.1 (no persistence), for
 * specs that take Redis away from a node without touching the machine's Redis. Killed by its
 * PID (`stop()` in the caller's finally); started again on the same port to bring Redis back.
 */
import { type ChildProcess, execFile, spawn } from 'node:child_process';
import os from 'node:os';
import { promisify } from 'node:util';
import { freePort } from './free-port.js';

const run = promisify(execFile);
const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

export interface PrivateRedis {
  port: number;
  /** redis://127.0.0.1:<port> */
  url: string;
  /** SIGKILL (Redis vanishes as in a crash); resolves once the process has exited. */
  stop(): Promise<void>;
}

async function answersPing(port: number): Promise<boolean> {
  try {
    const { stdout } = await run('redis-cli', ['-h', '127.0.0.1', '-p', String(port), 'ping'], {
      timeout: 1000,
    });
    return stdout.trim() === 'PONG';
  } catch {
    return false;
  }
}

/** Starts redis-server on `port` (a free one by default); resolves once it answers PING. */
export async function startPrivateRedis(port?: number): Promise<PrivateRedis> {
  const chosen = port ?? (await freePort());
  const child: ChildProcess = spawn(
    'redis-server',
    ['--port', String(chosen), '--bind', '127.0.0.1', '--save', '', '--appendonly', 'no'],
    { cwd: os.tmpdir(), stdio: 'ignore' },
  );
  let gone = false;
  const exited = new Promise<void>((resolve) => {
    const done = () => {
      gone = true;
      resolve();
    };
    child.once('exit', done);
    child.once('error', done); // no redis-server on PATH
  });
  const stop = async () => {
    if (!gone && child.pid !== undefined) process.kill(child.pid, 'SIGKILL');
    await exited;
  };
  const deadline = Date.now() + 10_000;
  while (!(await answersPing(chosen))) {
    if (gone || Date.now() > deadline) {
      await stop();
      throw new Error(`redis-server on port ${chosen} did not answer PING`);
    }
    await sleep(50);
  }
  return { port: chosen, url: `redis://127.0.0.1:${chosen}`, stop };
}
