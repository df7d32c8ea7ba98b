import { jest } from '@jest/globals';
import { PendingReplies } from './pending-replies.js';

describe('PendingReplies', () => {
  beforeEach(() => jest.useFakeTimers());
  afterEach(() => jest.useRealTimers());

  it('ends a request with the reply of the node it was sent to, once', async () => {
    const table = new PendingReplies<string>('boot1', 10);
    const first = table.start('node-b', 1000)!;
    const second = table.start('node-b', 1000)!;
    expect(first.id).toMatch(/^boot1\./);
    expect(second.id).not.toBe(first.id);
    expect(table.settle(first.id, 'node-c', 'from c')).toBe(false); // another node
    expect(table.settle('boot0.1', 'node-b', 'stale')).toBe(false); // an earlier run's id
    expect(table.settle(first.id, 'node-b', 'from b')).toBe(true);
    expect(table.settle(first.id, 'node-b', 'again')).toBe(false);
    expect(await first.reply).toBe('from b');
    expect(table.size).toBe(1);
    table.cancel(second.id);
    expect(await second.reply).toBeUndefined();
    expect(table.size).toBe(0);
  });

  it('ends with undefined when no reply comes in time, and forgets the request', async () => {
    const table = new PendingReplies<string>('boot1', 10);
    const request = table.start('node-b', 1000)!;
    jest.advanceTimersByTime(999);
    expect(table.size).toBe(1);
    jest.advanceTimersByTime(1);
    expect(await request.reply).toBeUndefined();
    expect(table.size).toBe(0);
    expect(table.settle(request.id, 'node-b', 'late')).toBe(false);
  });

  it('refuses requests past its limit, and ends them all when the node stops', async () => {
    const table = new PendingReplies<string>('boot1', 2);
    const requests = [table.start('a', 1000)!, table.start('b', 1000)!];
    expect(table.start('c', 1000)).toBeUndefined();
    table.settleAll('stopping');
    expect(await Promise.all(requests.map((r) => r.reply))).toEqual(['stopping', 'stopping']);
    expect(table.start('c', 1000)).toBeDefined();
    expect(jest.getTimerCount()).toBe(1);
  });
});
