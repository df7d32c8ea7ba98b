import { describe, expect, it } from '@jest/globals';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import type { Result } from './result.js';
import { useBuiltNestling } from './testing/built-nestling.js';

/** Runs a generator to its result line; `go` is written as soon as it says `prepared`. */
async function resultOf(
  nestling: ReturnType<typeof useBuiltNestling>,
  args: string[],
): Promise<{ result: Result; ready: Record<string, unknown> }> {
  const generator = nestling.generator(args);
  if (args.includes('--await-go')) {
    await generator.waitForJson((v) => v.prepared === true || 'error' in v, 20_000, 'prepared');
    generator.write('go\n');
  }
  const ready = await generator.waitForJson<Record<string, unknown>>(
    (v) => v.ready === true || 'error' in v,
    20_000,
    'ready line',
  );
  const line = await generator.waitForJson<{ result?: Result; error?: unknown }>(
    (v) => (v.result !== null && typeof v.result === 'object') || 'error' in v,
    20_000,
    'result line',
  );
  expect(line.error).toBeUndefined();
  expect((await generator.exited).code).toBe(0);
  return { result: line.result!, ready };
}

describe('generator: join storm and chat probe against the built Nestling', () => {
  const nestling = useBuiltNestling('storm');

  it('joins every player, waits for presence_state where asked, and reuses the players', async () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'storm-spec-'));
    const file = path.join(dir, 'players.json');
    try {
      const args = (sockets: number) => [
        '--target', 'nestling', '--workload', 'storm', '--url', nestling.url,
        '--sockets', String(sockets), '--batch-size', '500', '--presence-share', '0.5',
        '--players-file', file, '--players', '30', '--await-go', '1',
      ]; // prettier-ignore
      const first = await resultOf(nestling, args(20));
      const ids = JSON.parse(fs.readFileSync(file, 'utf8')) as string[];
      expect(ids).toHaveLength(30);
      expect(first.ready).toMatchObject({ ready: true, workload: 'storm', sockets: 20 });
      expect(first.result.storm).toMatchObject({
        sockets: 20,
        joined: 20,
        failed: 0,
        presenceAsked: 10,
        presenceShare: 0.5,
        window: 500,
        errors: [],
      });
      expect(first.result.storm!.stormMs).toBeGreaterThan(0);
      expect(first.result.storm!.perSocketMs.n).toBe(20);
      // The second storm creates no player: the file is the same.
      const second = await resultOf(nestling, args(25));
      expect(second.result.storm).toMatchObject({ joined: 25, failed: 0, presenceAsked: 12 });
      expect(JSON.parse(fs.readFileSync(file, 'utf8'))).toEqual(ids);
    } finally {
      fs.rmSync(dir, { recursive: true, force: true });
    }
  }, 60_000);

  it('probes the chat step by step and reports each', async () => {
    const generator = nestling.generator([
      '--target', 'nestling', '--workload', 'chatprobe', '--url', nestling.url,
      '--sockets', '10', '--batch-size', '4', '--steps', '20,40', '--step-ms', '500',
      '--max-p99-ms', '1000',
    ]); // prettier-ignore
    const line = await generator.waitForJson<{ result?: Result; error?: unknown }>(
      (v) => (v.result !== null && typeof v.result === 'object') || 'error' in v,
      30_000,
      'result line',
    );
    expect(line.error).toBeUndefined();
    const probe = line.result!.probe!;
    expect(probe.map((s) => [s.rate, s.passed, s.result.sent])).toEqual([
      [20, true, 10],
      [40, true, 20],
    ]);
    expect(probe[1].result).toMatchObject({ lost: 0, rejected: 0, unanswered: 0 });
    expect(probe[1].result.latencyMs.n).toBe(100);
    const markers = generator.lines.map((l) => JSON.parse(l) as Record<string, unknown>);
    expect(markers.filter((m) => 'stepStart' in m || 'stepDone' in m)).toEqual([
      { stepStart: 0, rate: 20 },
      { stepDone: 0, rate: 20, passed: true },
      { stepStart: 1, rate: 40 },
      { stepDone: 1, rate: 40, passed: true },
    ]);
  }, 60_000);
});
