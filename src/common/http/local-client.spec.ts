import type { IncomingMessage } from 'node:http';
import { isDirectLocalRequest, isLoopbackAddress } from './local-client.js';

describe('isLoopbackAddress', () => {
  it.each(['127.0.0.1', '127.255.0.9', '::1', '::ffff:127.0.0.1', '::ffff:127.1.2.3'])(
    'accepts %s',
    (address) => expect(isLoopbackAddress(address)).toBe(true),
  );

  it.each([
    '192.0.2.2',
    '10.0.0.1',
    '128.0.0.1',
    '0.0.0.0',
    '::',
    '::2',
    'fd00::1',
    '::ffff:192.0.2.2',
    'localhost',
    '127.0.0.1.example.com',
    '',
    undefined,
  ])('refuses %j', (address) => expect(isLoopbackAddress(address)).toBe(false));
});

describe('isDirectLocalRequest', () => {
  const request = (remoteAddress: string | undefined, headers: Record<string, string> = {}) =>
    ({ socket: { remoteAddress }, headers }) as unknown as IncomingMessage;

  it('accepts a loopback peer without forwarding headers', () => {
    expect(isDirectLocalRequest(request('127.0.0.1', { host: 'localhost:4000' }))).toBe(true);
    expect(isDirectLocalRequest(request('::1'))).toBe(true);
  });

  it('refuses another peer, whatever its headers claim', () => {
    expect(isDirectLocalRequest(request('192.0.2.2'))).toBe(false);
    expect(isDirectLocalRequest(request('192.0.2.2', { 'x-forwarded-for': '127.0.0.1' }))).toBe(
      false,
    );
    expect(isDirectLocalRequest(request(undefined))).toBe(false);
  });

  it.each([
    ['forwarded', 'for=192.0.2.9'],
    ['x-forwarded-for', '192.0.2.9'],
    ['x-forwarded-for', '127.0.0.1'],
    ['x-forwarded-host', 'chat.example'],
    ['x-forwarded-proto', 'https'],
    ['x-real-ip', '192.0.2.9'],
    ['via', '1.1 proxy'],
  ])('refuses a loopback peer that forwards (%s: %s)', (header, value) => {
    expect(isDirectLocalRequest(request('127.0.0.1', { [header]: value }))).toBe(false);
  });
});
