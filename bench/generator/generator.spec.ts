import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { spawn } from 'node:child_process';
import path from 'node:path';
import type { RunningPeer } from '../peers/main-guard.js';
import { start as startSocketIo } from '../peers/socketio-server.js';
import { start as startUws } from '../peers/uws-server.js';
import { start as startWs } from '../peers/ws-server.js';
import type { Result } from './result.js';

const root = path.resolve(import.meta.dirname, '../..');
const tsx = path.join(root, 'node_modules/.bin/tsx');

/**
 * Runs the generator CLI; resolves with its stdout JSON lines once it exits. `onLine` sees each
 * line as it comes and may write lines to the generator's stdin.
 */
function generator(
  args: string[],
  onLine?: (line: Record<string, unknown>, write: (text: string) => void) => void,
) {
  return new Promise<{ code: number | null; lines: Record<string, unknown>[] }>((resolve) => {
    const child = spawn(tsx, ['bench/generator/main.ts', ...args], { cwd: root });
    const lines: Record<string, unknown>[] = [];
    let partial = '';
    child.stdout.on('data', (chunk: Buffer) => {
      const parts = (partial + String(chunk)).split('\n');
      partial = parts.pop() ?? '';
      for (const text of parts.filter(Boolean)) {
        const line = JSON.parse(text) as Record<string, unknown>;
        lines.push(line);
        onLine?.(line, (t) => child.stdin.write(`${t}\n`));
      }
    });
    child.on('close', (code) => resolve({ code, lines }));
  });
}

describe('generator', () => {
  let ws: RunningPeer;
  let socketIo: RunningPeer;
  let uws: RunningPeer;
  beforeAll(async () => {
    [ws, socketIo, uws] = await Promise.all([startWs(0), startSocketIo(0), startUws(0)]);
  });
  afterAll(async () => {
    await Promise.all([ws.close(), socketIo.close(), uws.close()]);
  });

  const fanout = ['--workload', 'fanout', '--sockets', '5', '--rate', '20', '--duration-ms', '500'];

  it.each([
    ['ws', () => ws.port],
    ['socketio', () => socketIo.port],
    ['uws', () => uws.port],
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
    const { code, lines } = await generator(args, (line, write) => line.ready && write('stop'));
    expect(code).toBe(0);
    expect(lines).toHaveLength(2);
    expect(lines[0]).toMatchObject({ ready: true, sockets: 20 });
    expect(lines[1].result).toMatchObject({ workload: 'idle', sockets: 20, disconnects: 0 });
  });

  it('with --await-go 1 says `prepared` and connects nothing until `go`', async () => {
    const url = `http://127.0.0.1:${ws.port}`;
    const args = ['--target', 'ws', '--workload', 'idle', '--url', url, '--sockets', '20'];
    let goAtMs = Number.POSITIVE_INFINITY;
    let readyAtMs = 0;
    const { code, lines } = await generator([...args, '--await-go', '1'], (line, write) => {
      if (line.prepared) {
        // Long enough for 20 local sockets to connect, were it not waiting.
        setTimeout(() => {
          goAtMs = performance.now();
          write('go');
        }, 500);
      }
      if (line.ready) {
        readyAtMs = performance.now();
        write('stop');
      }
    });
    expect(code).toBe(0);
    expect(lines.map((l) => Object.keys(l)[0])).toEqual(['prepared', 'ready', 'result']);
    expect(lines[0]).toMatchObject({ prepared: true, sockets: 20 });
    expect(readyAtMs).toBeGreaterThan(goAtMs);
    expect(lines[2].result).toMatchObject({ workload: 'idle', sockets: 20, disconnects: 0 });
  });

  it.each([
    ['ws', () => ws.port],
    ['socketio', () => socketIo.port],
    ['uws', () => uws.port],
  ])('storms the %s peer: every socket connected and counted', async (target, port) => {
    const url = `http://127.0.0.1:${port()}`;
    const args = ['--target', target, '--workload', 'storm', '--url', url, '--sockets', '200'];
    const { code, lines } = await generator([...args, '--batch-size', '100']);
    expect(code).toBe(0);
    expect(lines.map((l) => Object.keys(l)[0])).toEqual(['ready', 'result']);
    const result = lines[1].result as Result;
    expect(result.storm).toMatchObject({ sockets: 200, joined: 200, failed: 0, window: 100 });
    expect(result.storm!.perSocketMs.n).toBe(200);
    expect(result.storm!.stormMs).toBeGreaterThanOrEqual(result.storm!.perSocketMs.max!);
  });

  it('says what is wrong with its options on stdout too', async () => {
    const { code, lines } = await generator(['--target', 'ws']);
    expect(code).toBe(2);
    expect(lines).toEqual([{ error: '--workload is required' }]);
  });
});
