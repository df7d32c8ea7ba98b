import { newSessionToken, sessionOwner } from './longpoll-token.js';

describe('LongPoll session tokens', () => {
  it('are 24 random bytes, prefixed with the owning node in a cluster', () => {
    const alone = newSessionToken();
    expect(alone).toMatch(/^[A-Za-z0-9_-]{32}$/);
    const owned = newSessionToken('node-a.eu_1');
    expect(owned).toMatch(/^node-a\.eu_1~[A-Za-z0-9_-]{32}$/);
    expect(newSessionToken('node-a.eu_1')).not.toBe(owned);
  });

  it('name their owner: everything before the separator', () => {
    expect(sessionOwner(newSessionToken('node-a.eu_1'))).toBe('node-a.eu_1');
    expect(sessionOwner(newSessionToken('n'))).toBe('n');
    expect(sessionOwner(newSessionToken())).toBeUndefined();
    expect(sessionOwner(`~${'a'.repeat(32)}`)).toBeUndefined();
    expect(sessionOwner('')).toBeUndefined();
  });

  it('never take another token (a JWT in the same query parameter) for a session', () => {
    const jwt =
      'eyJhbGciOiJIUzI1NiIsInR5cCI6IkpXVCJ9.eyJzdWIiOiIwY2RkMTZkNSJ9.SgxCUqpNAs4830tePTYKzg-d-CuE0-ePktBunomUhRY';
    expect(sessionOwner(jwt)).toBeUndefined();
    expect(sessionOwner(`node~short`)).toBeUndefined();
  });
});
