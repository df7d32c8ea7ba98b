import { describe, expect, it } from '@jest/globals';
import { Rates } from './rates.js';

describe('Rates', () => {
  it('turns totals into per-second rates over the time between calls', () => {
    const rates = new Rates<'joins' | 'frames'>();
    expect(rates.next({ joins: 10, frames: 100 }, 1000)).toEqual({ joins: null, frames: null });
    expect(rates.next({ joins: 15, frames: 400 }, 3000)).toEqual({ joins: 2.5, frames: 150 });
    rates.reset();
    expect(rates.next({ joins: 20, frames: 500 }, 4000)).toEqual({ joins: null, frames: null });
  });

  it('never goes below zero (a counter that went back, as gauges may)', () => {
    const rates = new Rates<'n'>();
    rates.next({ n: 10 }, 0);
    expect(rates.next({ n: 4 }, 1000)).toEqual({ n: 0 });
  });
});
