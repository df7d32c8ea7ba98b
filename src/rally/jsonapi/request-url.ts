import type { Request } from 'express';

/**
 * `http://host[:port]` as the client addressed this server. Express's `req.protocol` and
 * `req.host` follow X-Forwarded-Proto and X-Forwarded-Host only when the request comes from a
 * proxy that TRUST_PROXY trusts; otherwise they are the connection's protocol and the Host header.
 */
export function requestOrigin(req: Request): string {
  return `${req.protocol}://${req.host ?? 'localhost'}`;
}

/** The full request URL: origin, original path and query. */
export function requestUrl(req: Request): string {
  return `${requestOrigin(req)}${req.originalUrl}`;
}

/** The query string's parameters in order (decoded; repeated names kept). */
export function queryParameters(req: Request): Array<[string, string]> {
  const q = req.originalUrl.indexOf('?');
  return q < 0 ? [] : [...new URLSearchParams(req.originalUrl.slice(q + 1)).entries()];
}

/**
 * A query string from parameters, keeping `[`, `]` and `,` readable
 * (`?filter[nickname]=Ann&sort=-stamps_collected,nickname`).
 */
export function queryString(parameters: Array<[string, string]>): string {
  const encode = (value: string) =>
    encodeURIComponent(value).replace(/%5B/gi, '[').replace(/%5D/gi, ']').replace(/%2C/gi, ',');
  const pairs = parameters.map(([name, value]) => `${encode(name)}=${encode(value)}`);
  return pairs.length > 0 ? `?${pairs.join('&')}` : '';
}
