import { jest } from '@jest/globals';
import type { Frame } from '../message.js';
import { LongPollSession } from './longpoll-session.js';

const text = (data: string): Frame => ({ data, binary: false });
const NOTHING = { status: 204, messages: [] };

describe('LongPollSession.poll', () => {
  let session: LongPollSession;
  beforeEach(() => {
    jest.useFakeTimers();
    session = new LongPollSession('t', () => {});
  });
  afterEach(() => jest.useRealTimers());

  it('answers a waiting poll with the first frame, and 204 after an empty window', async () => {
    const first = session.poll(1000);
    session.write(text('a'), 1e6);
    expect(await first).toEqual({ status: 200, messages: ['a'] });
    const second = session.poll(1000);
    jest.advanceTimersByTime(1000);
    expect(await second).toEqual(NOTHING);
  });

  it('ends an abandoned poll with nothing taken: its frames wait for the next poll', async () => {
    const abandoned = new AbortController();
    const gone = session.poll(1000, abandoned.signal);
    abandoned.abort();
    expect(await gone).toEqual(NOTHING);
    session.write(text('a'), 1e6);
    expect(await session.poll(1000, abandoned.signal)).toEqual(NOTHING);
    expect(await session.poll(1000)).toEqual({ status: 200, messages: ['a'] });
    expect(jest.getTimerCount()).toBe(0);
  });

  it('abandoning a poll that a newer one replaced leaves the newer one waiting', async () => {
    const older = new AbortController();
    const first = session.poll(1000, older.signal);
    const second = session.poll(1000, new AbortController().signal);
    expect(await first).toEqual(NOTHING);
    older.abort();
    session.write(text('b'), 1e6);
    expect(await second).toEqual({ status: 200, messages: ['b'] });
  });
});
