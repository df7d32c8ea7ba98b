import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from '@jest/globals';
import {
  DEFAULT_BUDGET_S,
  estimateMs,
  fitToBudget,
  generatorArgs,
  nestlingSetupMs,
  planPhases,
  runPhase,
  scaleIdleToBudget,
  stormTimeoutMs,
  usesPlayersFile,
  type PhaseContext,
} from './phases.js';
import { tasksetAvailable } from './processes.js';
import { gone } from './testing/gone.js';
import type { PhaseSpec } from './types.js';

const scripts = {
  generator: 'bench/orchestrator/testing/fake-generator.ts',
  ws: 'bench/orchestrator/testing/fake-peer.ts',
};

const dirs: string[] = [];
afterAll(() => {
  for (const dir of dirs) fs.rmSync(dir, { recursive: true, force: true });
});

function context(): PhaseContext {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'bench-phase-'));
  dirs.push(dir);
  return { pin: tasksetAvailable(), dataDir: dir, profileDir: dir, log: () => undefined, scripts };
}

function spec(workload: 'fanout' | 'idle' | 'chat'): PhaseSpec {
  return {
    id: `ws/${workload}`,
    target: 'ws',
    workload,
    generatorWorkload: workload,
    run: 1,
    sockets: 10,
    rate: workload === 'idle' ? 0 : 20,
    durationMs: workload === 'idle' ? 0 : 300,
    payloadBytes: 100,
    profile: false,
    readyTimeoutMs: 10_000,
    settleMs: 100,
  };
}

describe('planPhases', () => {
  it('runs each workload against every target (peers first), chat and the profile for Nestling', () => {
    const ids = planPhases({
      quick: false,
      targets: ['nestling', 'ws', 'socketio'],
      workloads: ['fanout', 'saturation', 'idle', 'chat'],
      profile: true,
    }).map((p) => p.id);
    expect(ids).toEqual([
      'ws/fanout',
      'socketio/fanout',
      'nestling/fanout',
      'nestling/fanout-profile',
      'ws/fanout#2',
      'nestling/fanout#2',
      'ws/fanout#3',
      'nestling/fanout#3',
      'ws/saturation',
      'socketio/saturation',
      'nestling/saturation',
      'nestling/chat',
      'ws/idle',
      'socketio/idle',
      'nestling/idle',
      'nestling/idle-nopresence',
    ]);
  });

  it('sizes the full run as the issue asks and keeps the quick one small', () => {
    const full = planPhases({
      quick: false,
      targets: ['nestling'],
      workloads: ['saturation', 'idle', 'chat'],
      profile: false,
    });
    expect(full.map((p) => [p.generatorWorkload, p.sockets, p.rate, p.payloadBytes])).toEqual([
      ['fanout', 1000, 200, 100],
      ['chat', 1000, 1000, 100],
      ['idle', 5000, 0, 100],
      ['idle', 5000, 0, 100],
    ]);
    const [presence, none] = full.slice(2);
    expect(presence).toMatchObject({ id: 'nestling/idle', presenceShare: 1, settleMs: 10_000 });
    expect(none).toMatchObject({ variant: 'no-presence', presenceShare: 0 });
    expect(generatorArgs(presence, 'http://h').slice(-4)).toEqual([
      '--await-go', '1', '--presence-share', '1',
    ]); // prettier-ignore
    expect(generatorArgs(none, 'http://h').slice(-2)).toEqual(['--presence-share', '0']);
    const quick = planPhases({
      quick: true,
      targets: ['ws'],
      workloads: ['fanout', 'chat'],
      profile: true,
    });
    expect(quick.map((p) => p.id)).toEqual(['ws/fanout']);
    expect(quick[0].durationMs).toBeLessThanOrEqual(5000);
    expect(generatorArgs(quick[0], 'http://127.0.0.1:1')).toEqual([
      '--target', 'ws', '--workload', 'fanout', '--url', 'http://127.0.0.1:1', '--sockets', '200',
      '--rate', '50', '--duration-ms', '3000', '--payload-bytes', '100',
    ]); // prettier-ignore
    const idle = planPhases({ quick: true, targets: ['ws'], workloads: ['idle'], profile: false });
    expect(generatorArgs(idle[0], 'http://h').slice(-2)).toEqual(['--await-go', '1']);
  });
});

describe('planPhases: uWebSockets.js, the join storm and the chat probe', () => {
  it('runs uws as a peer once where the peers run, never in the chat workloads', () => {
    const ids = planPhases({
      quick: false,
      targets: ['nestling', 'ws', 'socketio', 'uws'],
      workloads: ['fanout', 'idle', 'chat'],
      profile: false,
    }).map((p) => p.id);
    expect(ids.filter((id) => id.startsWith('uws/'))).toEqual(['uws/fanout', 'uws/idle']);
    expect(ids.indexOf('uws/fanout')).toBeLessThan(ids.indexOf('nestling/fanout'));
  });

  it("storms the peers at 5,000 and Nestling's curve, each a fresh server, players reused", () => {
    const storm = planPhases({
      quick: false,
      targets: ['nestling', 'ws', 'socketio', 'uws'],
      workloads: ['storm'],
      profile: true,
    });
    expect(storm.map((p) => p.id)).toEqual([
      'ws/storm@5000',
      'socketio/storm@5000',
      'uws/storm@5000',
      'nestling/storm@1000',
      'nestling/storm@2500',
      'nestling/storm@5000',
      'nestling/storm@10000',
    ]);
    const nestling = storm[5];
    expect(nestling).toMatchObject({
      generatorWorkload: 'storm',
      sockets: 5000,
      presenceShare: 0.1,
    });
    expect(generatorArgs(nestling, 'http://h').slice(-6)).toEqual([
      '--await-go', '1', '--batch-size', '500', '--presence-share', '0.1',
    ]); // prettier-ignore
    expect(generatorArgs(storm[0], 'http://h').slice(-2)).toEqual(['--batch-size', '500']);
    expect(usesPlayersFile(nestling)).toBe(true);
    expect(usesPlayersFile(storm[0])).toBe(false);
    expect(stormTimeoutMs(5000)).toBe(130_000);
    const share = planPhases({
      quick: true,
      targets: ['nestling'],
      workloads: ['storm'],
      profile: false,
      presenceShare: 0.5,
    });
    expect(share.map((p) => [p.sockets, p.presenceShare])).toEqual([
      [200, 0.5],
      [500, 0.5],
    ]);
  });

  it("probes the chat at the issue's steps, estimated with a window and grace per step", () => {
    const [probe] = planPhases({
      quick: false,
      targets: ['nestling', 'ws'],
      workloads: ['chatprobe'],
      profile: false,
    });
    expect(probe).toMatchObject({
      id: 'nestling/chatprobe',
      generatorWorkload: 'chatprobe',
      sockets: 1000,
      steps: [1000, 2000, 3000, 5000, 7000, 10_000],
      durationMs: 4000,
    });
    expect(generatorArgs(probe, 'http://h').slice(-10)).toEqual([
      '--batch-size', '8', '--warmup-ms', '3000', '--steps', '1000,2000,3000,5000,7000,10000',
      '--step-ms', '4000', '--max-p99-ms', '50',
    ]); // prettier-ignore
    expect(estimateMs(probe)).toBe(estimateMs({ ...probe, workload: 'chat', durationMs: 36_000 }));
  });
});

describe('planPhases: poisoned chat', () => {
  it("is Nestling's, after chat, with the chat's senders and rate and the poisoner at half of it", () => {
    const all = planPhases({
      quick: false,
      targets: ['nestling', 'ws', 'socketio'],
      workloads: ['chat', 'poisoned', 'idle'],
      profile: false,
    });
    expect(all.map((p) => p.id)).toEqual([
      'nestling/chat',
      'nestling/poisoned',
      'ws/idle',
      'socketio/idle',
      'nestling/idle',
      'nestling/idle-nopresence',
    ]);
    const [chat, poisoned] = all;
    expect(poisoned).toMatchObject({
      generatorWorkload: 'poisoned',
      sockets: chat.sockets,
      rate: chat.rate,
      durationMs: 10_000,
    });
    expect(generatorArgs(poisoned, 'http://h').slice(-6)).toEqual([
      '--batch-size', '8', '--warmup-ms', '3000', '--poison-rate', '500',
    ]); // prettier-ignore
    // Two windows of 10 s: one 20 s run in the estimate.
    expect(estimateMs(poisoned)).toBe(
      estimateMs({ ...poisoned, workload: 'chat', durationMs: 20_000 }),
    );
  });

  it('runs alone when selected alone, small and without warm-up when quick', () => {
    const quick = planPhases({
      quick: true,
      targets: ['nestling', 'ws'],
      workloads: ['poisoned'],
      profile: true,
    });
    expect(quick.map((p) => p.id)).toEqual(['nestling/poisoned']);
    expect(generatorArgs(quick[0], 'http://h')).toEqual([
      '--target', 'nestling', '--workload', 'poisoned', '--url', 'http://h', '--sockets', '50',
      '--rate', '100', '--duration-ms', '3000', '--payload-bytes', '100',
      '--batch-size', '8', '--warmup-ms', '0', '--poison-rate', '50',
    ]); // prettier-ignore
  });
});

describe('planPhases: cross-node fan-out', () => {
  it("is Nestling's, after the single-node fan-outs, twice with the fan-out's size", () => {
    const all = planPhases({
      quick: false,
      targets: ['nestling', 'ws', 'socketio'],
      workloads: ['fanout', 'crossnode', 'saturation'],
      profile: false,
    });
    expect(all.map((p) => p.id)).toEqual([
      'ws/fanout',
      'socketio/fanout',
      'nestling/fanout',
      'ws/fanout#2',
      'nestling/fanout#2',
      'ws/fanout#3',
      'nestling/fanout#3',
      'nestling/crossnode',
      'nestling/crossnode#2',
      'ws/saturation',
      'socketio/saturation',
      'nestling/saturation',
    ]);
    const fanout = all[2];
    const [cross, again] = all.slice(7, 9);
    for (const spec of [cross, again]) {
      expect(spec).toMatchObject({
        generatorWorkload: 'fanout',
        sockets: fanout.sockets,
        rate: fanout.rate,
        durationMs: fanout.durationMs,
        payloadBytes: fanout.payloadBytes,
      });
    }
    expect(again.run).toBe(2);
    // Two Nestling nodes and a Redis to start.
    expect(estimateMs(cross)).toBeGreaterThan(estimateMs(fanout));
  });

  it('points the publisher at node A and the subscribers at node B', () => {
    const [quick] = planPhases({
      quick: true,
      targets: ['nestling', 'ws'],
      workloads: ['crossnode'],
      profile: true,
    });
    expect(quick.id).toBe('nestling/crossnode');
    expect(generatorArgs(quick, 'http://b', 'http://a')).toEqual([
      '--target', 'nestling', '--workload', 'fanout', '--url', 'http://b',
      '--publisher-url', 'http://a', '--sockets', '200', '--rate', '50', '--duration-ms', '3000',
      '--payload-bytes', '100',
    ]); // prettier-ignore
    expect(
      planPhases({ quick: true, targets: ['ws'], workloads: ['crossnode'], profile: false }),
    ).toEqual([]);
  });
});

describe('fitToBudget', () => {
  const idle: PhaseSpec = {
    ...spec('idle'),
    target: 'nestling',
    sockets: 5000,
    readyTimeoutMs: 150_000,
  };

  const fanout: PhaseSpec = {
    ...spec('fanout'),
    target: 'nestling',
    sockets: 1000,
    readyTimeoutMs: 90_000,
  };

  it('leaves the setup timeout alone when there is time', () => {
    expect(fitToBudget(idle, 400_000, 0)).toBe(idle);
  });

  it('cuts it to what the budget leaves after this phase and the later ones', () => {
    const own = estimateMs(fanout) - nestlingSetupMs(1000);
    expect(fitToBudget(fanout, 100_000, 10_000).readyTimeoutMs).toBe(100_000 - 10_000 - own);
  });

  it('never below 20 s or three times the expected set-up', () => {
    // Nestling, 1,000 sockets: 1.5 s + 4 s of players + 2.3 s of joins = 7.8 s.
    expect(nestlingSetupMs(1000)).toBe(7800);
    expect(fitToBudget(fanout, 10_000, 10_000).readyTimeoutMs).toBe(3 * 7800);
    expect(fitToBudget({ ...fanout, target: 'ws' }, 0, 0).readyTimeoutMs).toBe(20_000);
  });

  it("counts Nestling's idle phase at its minimum of 1,000 sockets, as it shrinks to fit", () => {
    expect(estimateMs(idle)).toBe(estimateMs({ ...idle, sockets: 1000 }));
  });
});

describe('scaleIdleToBudget', () => {
  const idle: PhaseSpec = {
    ...spec('idle'),
    target: 'nestling',
    sockets: 5000,
    readyTimeoutMs: 150_000,
  };
  const own = estimateMs(idle) - nestlingSetupMs(1000);
  // The fan-out's set-up as measured on the reference machine: the model's own figure.
  const asModelled = { sockets: 1000, setupMs: nestlingSetupMs(1000) };

  it('predicts about a minute and a quarter for 5,000 sockets (players, then joins)', () => {
    // 1.5 s + 5,000 × 4 ms + 2.3 s × 5² = 79 s: the ~13-20 s of players and ~56 s of joins measured.
    expect(nestlingSetupMs(5000)).toBe(79_000);
  });

  it('keeps 5,000 sockets when the prediction fits', () => {
    // 1.1 × 79 s = 86.9 s of set-up; a machine faster than modelled counts as half as slow at most.
    expect(scaleIdleToBudget(idle, asModelled, own + 86_900)).toBe(idle);
    expect(scaleIdleToBudget(idle, asModelled, own + 86_000).sockets).toBe(4500);
    expect(scaleIdleToBudget(idle, { sockets: 1000, setupMs: 1000 }, own + 43_450)).toBe(idle);
    expect(scaleIdleToBudget(idle, undefined, 1000)).toBe(idle);
    expect(
      scaleIdleToBudget({ ...idle, target: 'ws' }, { sockets: 1000, setupMs: 9e9 }, 1),
    ).toEqual({
      ...idle,
      target: 'ws',
    });
  });

  it('keeps 5,000 in a normal full run: the full idle phase with the time a full run leaves', () => {
    const all = planPhases({
      quick: false,
      targets: ['nestling', 'ws', 'socketio', 'uws'],
      workloads: [
        'fanout',
        'crossnode',
        'saturation',
        'storm',
        'idle',
        'chat',
        'chatprobe',
        'poisoned',
      ],
      profile: true,
    });
    const at = all.findIndex((p) => p.id === 'nestling/idle');
    const full = all[at];
    expect(full.sockets).toBe(5000);
    // Every phase before it as estimated (the storm's joins as slow as every socket tracked in
    // presence makes them), and the one after it, leave it room for its 5,000 sockets.
    const sum = (list: PhaseSpec[]) => list.reduce((t, p) => t + estimateMs(p), 0);
    const before = sum(all.slice(0, at));
    const later = sum(all.slice(at + 1));
    expect(before + estimateMs(full) + later).toBeLessThan(DEFAULT_BUDGET_S.full * 1000);
    const available = DEFAULT_BUDGET_S.full * 1000 - before - later;
    expect(scaleIdleToBudget(full, asModelled, available)).toBe(full);
    expect(fitToBudget(full, available, 0).readyTimeoutMs).toBeGreaterThan(
      1.1 * nestlingSetupMs(5000),
    );
  });

  it('otherwise holds as many as fit, in steps of 500, at least 1,000', () => {
    // Twice as slow as modelled: 2.2 × (1.5 s + 4 ms × n + 2.3 s × (n/1000)²) ≤ 100 s → n = 3,500.
    const slow = { sockets: 1000, setupMs: 2 * nestlingSetupMs(1000) };
    const scaled = scaleIdleToBudget(idle, slow, own + 100_000);
    expect(scaled).toMatchObject({
      sockets: 3500,
      plannedSockets: 5000,
      readyTimeoutMs: 100_000,
    });
    expect(2.2 * nestlingSetupMs(3500)).toBeLessThanOrEqual(100_000);
    expect(2.2 * nestlingSetupMs(4000)).toBeGreaterThan(100_000);
    expect(scaleIdleToBudget(idle, slow, 1000).sockets).toBe(1000);
  });
});

describe('runPhase (fake peer and generator)', () => {
  it('measures a fan-out between ready and result, then stops everything', async () => {
    let gcs = 0;
    const outcome = await runPhase(spec('fanout'), {
      ...context(),
      collectGarbage: () => Promise.resolve(void gcs++),
    });
    expect(gcs).toBe(0); // no GC forced, nor --inspect, outside idle phases
    expect(outcome.error).toBeUndefined();
    expect(outcome.ok).toBe(true);
    expect(outcome.result?.delivered).toBe(60);
    const server = outcome.server!;
    expect(server.cpuUs).toBeGreaterThanOrEqual(0);
    expect(server.windowMs).toBeGreaterThanOrEqual(250);
    expect(server.peakRssKb).toBeGreaterThan(10_000);
    expect(server.hwmKb).toBeGreaterThanOrEqual(server.peakRssKb!);
    expect(server.readyRssKb).toBeGreaterThan(10_000);
    expect(server.setupCpuUs).toBeGreaterThanOrEqual(0);
    expect(server.otherCpuUs).toBeGreaterThanOrEqual(0);
    expect(server.softirqUs).toBeGreaterThanOrEqual(0);
    expect(gone(server.pid)).toBe(true);
  }, 20_000);

  it('idle: baseline after `prepared`, `go`, then the settled and after-GC RSS, then `stop`', async () => {
    const outcome = await runPhase(spec('idle'), context());
    expect(outcome.error).toBeUndefined();
    expect(outcome.ok).toBe(true);
    const server = outcome.server!;
    expect(server.gcError).toBeUndefined();
    expect(server.baselineRssKb).toBeGreaterThan(10_000);
    expect(server.baselineGcRssKb).toBeGreaterThan(10_000);
    expect(server.idleRssKb).toBeGreaterThan(10_000);
    expect(server.idleGcRssKb).toBeGreaterThan(10_000);
    expect(outcome.ready).toMatchObject({ ready: true, sockets: 10 });
    expect(outcome.result?.workload).toBe('idle');
    expect(gone(server.pid)).toBe(true);
  }, 30_000);

  it('idle: a GC that cannot be forced leaves the after-GC figures out, not the phase', async () => {
    const calls: number[] = [];
    const outcome = await runPhase(spec('idle'), {
      ...context(),
      collectGarbage: (port) => {
        calls.push(port);
        return Promise.reject(new Error('no inspector here'));
      },
    });
    expect(outcome.ok).toBe(true);
    expect(calls).toHaveLength(1); // not tried again after the baseline
    expect(outcome.server?.gcError).toBe('no inspector here');
    expect(outcome.server?.baselineRssKb).toBeGreaterThan(0);
    expect(outcome.server?.idleRssKb).toBeGreaterThan(0);
    expect(outcome.server?.baselineGcRssKb).toBeUndefined();
    expect(outcome.server?.idleGcRssKb).toBeUndefined();
  }, 30_000);

  it('storm: players file and baseline after `prepared`, then `go`, its CPU and peak RSS to `ready`', async () => {
    const ctx = context();
    const file = path.join(ctx.dataDir, 'players.json');
    const storm: PhaseSpec = {
      ...spec('idle'),
      id: 'ws/storm@10',
      workload: 'storm',
      generatorWorkload: 'storm',
      extraArgs: ['--batch-size', '500', '--presence-share', '0.1'],
    };
    const outcome = await runPhase(storm, { ...ctx, players: { file, count: 25 } });
    expect(outcome.error).toBeUndefined();
    expect(outcome.prepared).toMatchObject({ prepared: true });
    expect(outcome.result?.storm).toMatchObject({ joined: 10, window: 500, presenceShare: 0.1 });
    const server = outcome.server!;
    expect(server.baselineRssKb).toBeGreaterThan(10_000);
    expect(server.stormCpuUs).toBeGreaterThanOrEqual(0);
    expect(server.stormWindowMs).toBeGreaterThanOrEqual(150);
    expect(server.stormPeakRssKb).toBeGreaterThan(10_000);
    expect(server.stormOtherCpuUs).toBeGreaterThanOrEqual(0);
    // Only Nestling's phases get the players file.
    expect(fs.existsSync(file)).toBe(false);
    expect(gone(server.pid)).toBe(true);
  }, 20_000);

  it('chat probe: the server and database CPU of each step, between its lines', async () => {
    const probe: PhaseSpec = {
      ...spec('fanout'),
      id: 'ws/chatprobe',
      workload: 'chatprobe',
      generatorWorkload: 'chatprobe',
      steps: [100, 200, 400],
      extraArgs: ['--steps', '100,200,400', '--step-ms', '300'],
    };
    const outcome = await runPhase(probe, context());
    expect(outcome.error).toBeUndefined();
    expect(outcome.result?.probe).toHaveLength(2);
    expect(outcome.stepCpu).toHaveLength(2);
    for (const step of outcome.stepCpu!) {
      expect(step.windowMs).toBeGreaterThanOrEqual(250);
      expect(step.serverCpuUs).toBeGreaterThanOrEqual(0);
    }
  }, 20_000);

  it('says when the server died during the phase, with its last words', async () => {
    const ctx = context();
    const outcome = await runPhase(
      { ...spec('fanout'), durationMs: 1500 },
      { ...ctx, scripts: { ...ctx.scripts, ws: 'bench/orchestrator/testing/dying-peer.ts' } },
    );
    expect(outcome.ok).toBe(false);
    expect(outcome.error).toContain('(the server had exited: ws peer');
    expect(outcome.error).toContain('fatal: out of luck');
  }, 20_000);

  it('records a generator error and still stops the server', async () => {
    const outcome = await runPhase(spec('chat'), context());
    expect(outcome.ok).toBe(false);
    expect(outcome.error).toMatch(/generator error: fake failure/);
    expect(gone(outcome.server?.pid)).toBe(true);
  }, 20_000);
});
