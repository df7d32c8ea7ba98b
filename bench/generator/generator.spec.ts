import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { spawn } from 'node:child_process';
import path from 'node:path';
import type { RunningPeer } from '../peers/main-guard.js';
import { start as startSocketIo } from '../peers/socketio-server.js';
import { start as startWs } from '../peers/ws-server.js';
import type { Result } from './result.js';

const root = path.resolve(import.meta.dirname, '../..');
const tsx = path.join(root, 'node_modules/.bin/tsx');

/** Runs the generator CLI; resolves with its stdout JSON lines once it exits. */
function generator(args: string[], stdin?: (write: (line: string) => void) => void) {
  return new Promise<{ code: number | null; lines: Record<string, unknown>[] }>((resolve) => {
    const child = spawn(tsx, ['bench/generator/main.ts', ...args], { cwd: root });
    let out = '';
    child.stdout.on('data', (chunk: Buffer) => {
      out += String(chunk);
      if (stdin && out.includes('"ready"')) {
        stdin((line) => child.stdin.write(`${line}\n`));
        stdin = undefined;
      }
    });
    child.on('close', (code) => {
      const lines = out
        .split('\n')
        .filter(Boolean)
        .map((line) => JSON.parse(line) as Record<string, unknown>);
      resolve({ code, lines });
    });
  });
}

describe('generator', () => {
  let ws: RunningPeer;
  let socketIo: RunningPeer;
  beforeAll(async () => {
    [ws, socketIo] = await Promise.all([startWs(0), startSocketIo(0)]);
  });
  afterAll(async () => {
    await Promise.all([ws.close(), socketIo.close()]);
  });

  const fanout = ['--workload', 'fanout', '--sockets', '5', '--rate', '20', '--duration-ms', '500'];

  it.each([
    ['ws', () => ws.port],
    ['socketio', () => socketIo.port],
  ])('fans out against the %s peer: everything delivered, in order', async (target, port) => {
    const url = `http://127.0.0.1:${port()}`;
    const { code, lines } = await generator(['--target', target, '--url', url, ...fanout]);
    expect(code).toBe(0);
    expect(lines[0]).toMatchObject({ ready: true, target, sockets: 5 });
    const result = lines.at(-1)!.result as Result;
    expect(result).toMatchObject({
      target,
      workload: 'fanout',
      sent: 10,
      expected: 50,
      delivered: 50,
      lost: 0,
      duplicated: 0,
      outOfOrder: 0,
      rejected: 0,
      unanswered: null,
      disconnects: 0,
    });
    expect(result.latencyMs.p50).toBeGreaterThan(0);
    expect(result.latencyMs.max).toBeGreaterThanOrEqual(result.latencyMs.p99!);
    expect(result.generatorCpuMs).toBeGreaterThanOrEqual(0);
  });

  it('holds idle sockets until told to stop on stdin', async () => {
    const url = `http://127.0.0.1:${ws.port}`;
    const args = ['--target', 'ws', '--workload', 'idle', '--url', url, '--sockets', '20'];
    const { code, lines } = await generator(args, (write) => write('stop'));
    expect(code).toBe(0);
    expect(lines).toHaveLength(2);
    expect(lines[0]).toMatchObject({ ready: true, sockets: 20 });
    expect(lines[1].result).toMatchObject({ workload: 'idle', sockets: 20, disconnects: 0 });
  });

  it('says what is wrong with its options on stdout too', async () => {
    const { code, lines } = await generator(['--target', 'ws']);
    expect(code).toBe(2);
    expect(lines).toEqual([{ error: '--workload is required' }]);
  });
});
