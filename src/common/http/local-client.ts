import { BlockList, isIP } from 'node:net';
import type { IncomingMessage } from 'node:http';

const LOOPBACK = new BlockList();
LOOPBACK.addSubnet('127.0.0.0', 8, 'ipv4');
LOOPBACK.addAddress('::1', 'ipv6');
// IPv4-mapped IPv6 (::ffff:127.0.0.1, what a dual-stack listener reports) is matched by BlockList.

/** True for 127.0.0.0/8, ::1 and their IPv4-mapped forms; false for anything else or nothing. */
export function isLoopbackAddress(address: string | undefined): boolean {
  const family = address === undefined ? 0 : isIP(address);
  return family !== 0 && LOOPBACK.check(address!, family === 4 ? 'ipv4' : 'ipv6');
}

/** Headers a proxy adds when it forwards a request (RFC 7239, the X-Forwarded-* family, …). */
const FORWARDING_HEADERS = [
  'forwarded',
  'x-forwarded-for',
  'x-forwarded-host',
  'x-forwarded-proto',
  'x-real-ip',
  'via',
];

/**
 * True when the request comes straight from this machine: its TCP peer is a loopback address
 * and it carries no forwarding header. The peer, not `req.ip`, because X-Forwarded-For is only
 * as true as TRUST_PROXY says; and no forwarding header, because a reverse proxy on this same
 * host connects from loopback on behalf of clients anywhere.
 */
export function isDirectLocalRequest(req: IncomingMessage): boolean {
  return (
    isLoopbackAddress(req.socket.remoteAddress) &&
    FORWARDING_HEADERS.every((header) => req.headers[header] === undefined)
  );
}
