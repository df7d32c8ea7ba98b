import { describe, expect, it } from '@jest/globals';
import { decodeProbe, encodeProbe, probeObject, probeOf } from './probe.js';

describe('probe', () => {
  it('pads the JSON to the asked size and decodes without JSON.parse', () => {
    const t = 1_723_456_789_012.345;
    const json = encodeProbe(3, 42, t, 100);
    expect(json).toHaveLength(100);
    expect(JSON.parse(json)).toMatchObject({ s: 3, seq: 42, t });
    expect(decodeProbe(json)).toEqual({ s: 3, seq: 42, t });
    const head = '[null,null,"x","shout",';
    expect(decodeProbe(`${head}${json}]`, head.length)).toEqual({ s: 3, seq: 42, t });
  });

  it('stays as short as it can when the size is too small', () => {
    expect(JSON.parse(encodeProbe(0, 0, 1.5, 0))).toEqual({ s: 0, seq: 0, t: 1.5, pad: '' });
  });

  it('rejects what is not a probe', () => {
    expect(decodeProbe('{"nickname":"ann"}')).toBeUndefined();
    expect(decodeProbe('{"s":1,"seq":x,"t":2,"pad":""}')).toBeUndefined();
    expect(probeOf({ s: 1 })).toBeUndefined();
    expect(probeOf(probeObject(1, 2, 3, 50))).toEqual({ s: 1, seq: 2, t: 3 });
  });
});
