import {
  decodeHeartbeat,
  decodeState,
  encodeHeartbeat,
  encodeState,
  type Heartbeat,
  PresenceWireError,
  type StateTransfer,
} from './presence-wire.js';
import type { PresenceMeta } from './presence-tracker.js';

describe('presence wire format', () => {
  it('round-trips heartbeats and states, any string as topic, key or meta field', () => {
    const meta = JSON.parse(
      '{"__proto__":{"x":1},"phx_ref":"r1","phx_ref_prev":"r0"}',
    ) as PresenceMeta;
    const heartbeat: Heartbeat = {
      version: 7,
      topics: [{ topic: '__proto__', joins: [['constructor', meta]], leaves: [['k', 'r9']] }],
    };
    const decoded = decodeHeartbeat(encodeHeartbeat(heartbeat));
    expect(decoded).toEqual(heartbeat);
    expect(Object.getOwnPropertyNames(decoded.topics[0].joins[0][1])).toContain('__proto__');

    const state: StateTransfer = { version: 3, topics: [['t', [['__proto__', [meta]]]]] };
    expect(decodeState(encodeState(state))).toEqual(state);
  });

  it.each([
    ['not JSON', '{'],
    ['not an object', '[1]'],
    ['a bad version', '{"v":-1,"d":[]}'],
    ['a fractional version', '{"v":1.5,"d":[]}'],
    ['no deltas', '{"v":1}'],
    ['a delta of the wrong length', '{"v":1,"d":[["t",[]]]}'],
    ['a meta without phx_ref', '{"v":1,"d":[["t",[["k",{"a":1}]],[]]]}'],
    ['a leave without phx_ref', '{"v":1,"d":[["t",[],[["k",5]]]]}'],
    [
      'a meta nested too deeply to re-encode',
      `{"v":1,"d":[["t",[["k",{"phx_ref":"r","x":${'['.repeat(10_000)}${']'.repeat(10_000)}}]],[]]]}`,
    ],
  ])('refuses a heartbeat with %s', (_what, json) => {
    expect(() => decodeHeartbeat(Buffer.from(json))).toThrow(PresenceWireError);
  });

  it.each([
    ['no entries', '{"v":1}'],
    ['metas that are not an array', '{"v":1,"s":[["t",[["k",{}]]]]}'],
    ['a meta that is an array', '{"v":1,"s":[["t",[["k",[[]]]]]]}'],
  ])('refuses a state with %s', (_what, json) => {
    expect(() => decodeState(Buffer.from(json))).toThrow(PresenceWireError);
  });
});
