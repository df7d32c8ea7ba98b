import { jest } from '@jest/globals';
import { RateLimitedLog } from './rate-limited-log.js';

function setup(intervalMs = 1000) {
  const lines: string[] = [];
  const log = new RateLimitedLog((line) => lines.push(line), intervalMs);
  return { lines, log };
}

describe('RateLimitedLog', () => {
  beforeEach(() => jest.useFakeTimers());
  afterEach(() => jest.useRealTimers());

  it('writes the first line at once', () => {
    const { lines, log } = setup();
    log.log('first');
    expect(lines).toEqual(['first']);
  });

  it('writes one line per interval: the first at once, the last at its end with a count', () => {
    const { lines, log } = setup();
    for (let i = 1; i <= 50; i++) log.log(`line ${i}`);
    expect(lines).toEqual(['line 1']);
    jest.advanceTimersByTime(999);
    expect(lines).toEqual(['line 1']);
    jest.advanceTimersByTime(1);
    expect(lines).toEqual(['line 1', 'line 50 (+48 similar lines not logged)']);
    jest.advanceTimersByTime(10_000);
    expect(lines).toHaveLength(2);
  });

  it('writes a single suppressed line without a count', () => {
    const { lines, log } = setup();
    log.log('a');
    log.log('b');
    jest.advanceTimersByTime(1000);
    expect(lines).toEqual(['a', 'b']);
  });

  it('keeps limiting while a flood lasts: the trailing line starts the next interval', () => {
    const { lines, log } = setup(100);
    log.log('x0');
    for (let t = 1; t <= 30; t++) {
      jest.advanceTimersByTime(10);
      log.log(`x${t}`);
    }
    // 300 ms of flood at one line per 10 ms: the first line and one per 100 ms after it.
    expect(lines).toEqual([
      'x0',
      'x9 (+8 similar lines not logged)',
      'x19 (+9 similar lines not logged)',
      'x29 (+9 similar lines not logged)',
    ]);
    jest.advanceTimersByTime(100);
    expect(lines[4]).toBe('x30');
    jest.advanceTimersByTime(100);
    log.log('later');
    expect(lines[5]).toBe('later');
    expect(lines).toHaveLength(6);
  });

  it('builds a suppressed line only when it is written', () => {
    const { lines, log } = setup();
    const built: number[] = [];
    for (let i = 0; i < 5; i++)
      log.log(() => {
        built.push(i);
        return `lazy ${i}`;
      });
    expect(built).toEqual([0]);
    jest.advanceTimersByTime(1000);
    expect(built).toEqual([0, 4]);
    expect(lines).toEqual(['lazy 0', 'lazy 4 (+3 similar lines not logged)']);
  });
});
