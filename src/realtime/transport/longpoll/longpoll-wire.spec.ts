import {
  decodeRelayReply,
  decodeRelayRequest,
  encodeRelayMessage,
  type RelayReply,
  type RelayRequest,
} from './longpoll-wire.js';

const json = (value: unknown) => Buffer.from(JSON.stringify(value));

describe('LongPoll relay messages', () => {
  it('round-trip every request and reply', () => {
    const requests: RelayRequest[] = [
      { op: 'poll', id: 'b1.1', token: 'n1.t' },
      { op: 'post', id: 'b1.2', token: 'n1.t', lines: ['["1"]', 'AQID'], ndjson: true },
      { op: 'abandon', id: 'b1.1' },
    ];
    for (const r of requests) expect(decodeRelayRequest(encodeRelayMessage(r))).toEqual(r);
    const reply: RelayReply = { id: 'b1.1', status: 200, messages: ['[null]'] };
    expect(decodeRelayReply(encodeRelayMessage(reply))).toEqual(reply);
  });

  it('refuse what is not one', () => {
    for (const body of [
      Buffer.from('not json'),
      json(null),
      json([]),
      json({ op: 'poll', id: 'x' }),
      json({ op: 'poll', id: '', token: 't' }),
      json({ op: 'poll', id: 'x'.repeat(101), token: 't' }),
      json({ op: 'post', id: 'x', token: 't', lines: [1], ndjson: true }),
      json({ op: 'post', id: 'x', token: 't', lines: [] }),
      json({ op: 'close', id: 'x', token: 't' }),
    ])
      expect(decodeRelayRequest(body)).toBeUndefined();
    for (const body of [
      json({ id: 'x', status: 500, messages: [] }),
      json({ id: 'x', status: 200 }),
      json({ status: 200, messages: [] }),
    ])
      expect(decodeRelayReply(body)).toBeUndefined();
  });
});
