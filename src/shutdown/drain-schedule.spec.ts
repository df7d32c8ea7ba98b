import { batchSize, drainSchedule } from './drain-schedule.js';

describe('drainSchedule', () => {
  it('spreads many sockets over batches 100 ms apart within the drain time', () => {
    expect(drainSchedule(100_000, 2000)).toEqual({ batches: 20, intervalMs: 100 });
    expect(drainSchedule(8, 400)).toEqual({ batches: 4, intervalMs: 100 });
  });

  it('makes no more batches than sockets', () => {
    expect(drainSchedule(3, 2000)).toEqual({ batches: 3, intervalMs: 2000 / 3 });
    expect(drainSchedule(1, 2000)).toEqual({ batches: 1, intervalMs: 0 });
  });

  it('closes everything at once when the drain time is too short to spread', () => {
    expect(drainSchedule(500, 0)).toEqual({ batches: 1, intervalMs: 0 });
    expect(drainSchedule(500, 99)).toEqual({ batches: 1, intervalMs: 0 });
  });

  it('has nothing to do without sockets', () => {
    expect(drainSchedule(0, 2000)).toEqual({ batches: 0, intervalMs: 0 });
  });
});

describe('batchSize', () => {
  it('shares the open sockets evenly among the batches left, the last taking the rest', () => {
    expect(batchSize(100_000, 20)).toBe(5000);
    expect(batchSize(10, 4)).toBe(3);
    expect(batchSize(7, 3)).toBe(3);
    expect(batchSize(4, 2)).toBe(2);
    expect(batchSize(3, 1)).toBe(3);
  });

  it('closes the sum of what was open when no socket leaves by itself', () => {
    let open = 10;
    const sizes: number[] = [];
    for (let left = 4; left > 0; left--) {
      const size = batchSize(open, left);
      sizes.push(size);
      open -= size;
    }
    expect(sizes).toEqual([3, 3, 2, 2]);
    expect(open).toBe(0);
  });
});
