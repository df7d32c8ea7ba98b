import { describe, expect, it } from '@jest/globals';
import { aggregateProfile, areaOf, type CpuProfile, shortLocation } from './profile.js';

const cwd = process.cwd();
const node = (id: number, functionName: string, url = '', hitCount = 0) => ({
  id,
  callFrame: { functionName, url },
  hitCount,
});

/** 10 samples 1 ms apart: root, idle×3, send (ws)×3, encode (ours)×2, GC×1. */
const profile: CpuProfile = {
  nodes: [
    node(1, '(root)'),
    node(2, '(idle)', '', 3),
    node(3, 'send', `file://${cwd}/node_modules/ws/lib/sender.js`, 3),
    node(4, 'encode', `file://${cwd}/dist/src/realtime/transport/serializer.js`, 1),
    node(5, 'encode', `file://${cwd}/dist/src/realtime/transport/serializer.js`, 1),
    node(6, '(garbage collector)', '', 1),
    node(7, 'writev', 'node:internal/stream_base_commons', 1),
  ],
  startTime: 0,
  endTime: 10_000,
  samples: [2, 2, 2, 3, 3, 3, 4, 5, 6, 7],
  timeDeltas: Array.from({ length: 10 }, () => 1000),
};

describe('cpuprofile aggregation', () => {
  it('adds self time per function name and script, leaving idle out of the busy share', () => {
    const summary = aggregateProfile(profile);
    expect(summary.samples).toBe(10);
    expect(summary.totalMs).toBeCloseTo(10);
    expect(summary.idleMs).toBeCloseTo(3);
    expect(summary.busyMs).toBeCloseTo(7);
    expect(summary.top.map((e) => [e.functionName, e.selfMs])).toEqual([
      ['send', 3],
      ['encode', 2], // two nodes, one function
      ['(garbage collector)', 1],
      ['writev', 1],
    ]);
    expect(summary.top[0]).toMatchObject({
      location: 'node_modules/ws/lib/sender.js',
      area: 'ws',
    });
    expect(summary.top[0].percent).toBeCloseTo((100 * 3) / 7);
    expect(summary.areas.map((a) => a.area)).toEqual([
      'ws',
      'nestling src/realtime/transport',
      '(garbage collector)',
      'node core',
    ]);
  });

  it('keeps only the samples inside a window', () => {
    // Samples are at 1, 2, … 10 ms after the start: 4–7 ms are send×3 and the first encode.
    const summary = aggregateProfile(profile, { window: { fromUs: 4000, toUs: 7000 }, top: 1 });
    expect(summary.samples).toBe(4);
    expect(summary.idleMs).toBe(0);
    expect(summary.top).toEqual([expect.objectContaining({ functionName: 'send', selfMs: 3 })]);
  });

  it('falls back to hit counts when the profile has no timeline', () => {
    const summary = aggregateProfile({ ...profile, samples: undefined, timeDeltas: undefined });
    expect(summary.samples).toBe(10);
    expect(summary.top[0]).toMatchObject({ functionName: 'send', selfMs: 3 });
  });

  it('names locations and areas', () => {
    expect(shortLocation('file:///x/node_modules/a/node_modules/@nestjs/core/y.js')).toBe(
      'node_modules/@nestjs/core/y.js',
    );
    expect(areaOf('f', 'file:///x/node_modules/@nestjs/core/y.js')).toBe('@nestjs/core');
    expect(areaOf('(program)', '')).toBe('(program)');
    expect(areaOf('writeUtf8String', '')).toBe('(native)');
    expect(areaOf('f', 'node:net')).toBe('node core');
    expect(areaOf('f', `file://${cwd}/dist/src/main.js`)).toBe('nestling src');
  });
});
