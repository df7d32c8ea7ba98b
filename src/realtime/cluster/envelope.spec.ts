import { decodeEnvelope, encodeEnvelope } from './envelope.js';
import { SequenceTracker } from './sequence-tracker.js';

describe('bus envelope', () => {
  it('carries the kind, the origin (name and boot), the sequence number and the body bytes', () => {
    const body = Buffer.from([0, 1, 2, 255]);
    const origin = { name: 'node-1', boot: 'b00t' };
    const bytes = encodeEnvelope({ kind: 'broadcast', origin, seq: 42, body });
    expect(decodeEnvelope(bytes)).toEqual({ kind: 'broadcast', origin, seq: 42, body });
  });

  it('refuses bytes that are not an envelope', () => {
    expect(decodeEnvelope(Buffer.from([0, 0]))).toBeUndefined();
    expect(decodeEnvelope(Buffer.from([0, 0, 0, 9, 1]))).toBeUndefined();
    const junk = Buffer.concat([Buffer.from([0, 0, 0, 5]), Buffer.from('{"k":')]);
    expect(decodeEnvelope(junk)).toBeUndefined();
    const header = Buffer.from(JSON.stringify({ k: 'x', n: 'a', b: 'b', s: 'one' }));
    const prefix = Buffer.alloc(4);
    prefix.writeUInt32BE(header.length);
    expect(decodeEnvelope(Buffer.concat([prefix, header]))).toBeUndefined();
  });
});

describe('SequenceTracker', () => {
  const a = { name: 'a', boot: '1' };

  it('sees a gap when a sequence number is skipped, not for the first message of a sender', () => {
    const tracker = new SequenceTracker();
    expect(tracker.gapBefore(a, 7)).toBe(false);
    expect(tracker.gapBefore(a, 8)).toBe(false);
    expect(tracker.gapBefore(a, 10)).toBe(true);
    expect(tracker.gapBefore(a, 11)).toBe(false);
  });

  it('starts afresh for a new boot of the same node, after forget and after reset', () => {
    const tracker = new SequenceTracker();
    tracker.gapBefore(a, 5);
    expect(tracker.gapBefore({ name: 'a', boot: '2' }, 1)).toBe(false);
    tracker.forget('a');
    expect(tracker.gapBefore(a, 100)).toBe(false);
    tracker.reset();
    expect(tracker.gapBefore(a, 3)).toBe(false);
    expect(tracker.gapBefore({ name: 'b', boot: '1' }, 9)).toBe(false);
  });
});
