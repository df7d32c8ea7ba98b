import { randomUUID } from 'node:crypto';
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { Logger } from 'pino';
import { type HttpLogger, type Options, pinoHttp } from 'pino-http';
import { redactUrl } from './redaction.js';

const REQUEST_ID = /^[\w.:-]{1,128}$/;

/** Uses the caller's X-Request-Id when it is sane, else a new UUID; echoes it on the response. */
function requestId(req: IncomingMessage, res: ServerResponse): string {
  const header = req.headers['x-request-id'];
  const id = typeof header === 'string' && REQUEST_ID.test(header) ? header : randomUUID();
  res.setHeader('X-Request-Id', id);
  return id;
}

/** pino's serialized request; `raw` is the request itself (an Express request here). */
interface SerializedRequest {
  id: string;
  method: string;
  url: string;
  remoteAddress?: string;
  raw: { ip?: string };
}

/**
 * pino-http's options: one line per request with its `requestId`. `remoteAddress` is the
 * client's address as Express sees it (`req.ip`: from X-Forwarded-For only when TRUST_PROXY
 * trusts the proxy, else the connection's peer).
 */
export function requestLoggingOptions(logger: Logger): Options {
  return {
    logger,
    genReqId: requestId,
    quietReqLogger: true,
    customAttributeKeys: { reqId: 'requestId' },
    serializers: {
      // Only what helps; the query string loses its secrets (e.g. ?token=).
      req: (req: SerializedRequest) => ({
        id: req.id,
        method: req.method,
        url: redactUrl(req.url),
        remoteAddress: req.raw.ip ?? req.remoteAddress,
      }),
      res: (res: { statusCode: number }) => ({ statusCode: res.statusCode }),
    },
    customLogLevel: (_req, res, error) =>
      error || res.statusCode >= 500 ? 'error' : res.statusCode >= 400 ? 'warn' : 'info',
  };
}

/**
 * The request-logging middleware, mounted before the body parsers so that a request refused
 * while its body is read (malformed, too deep, too large) still gets its id and its line.
 */
export function requestLogging(logger: Logger): HttpLogger {
  return pinoHttp(requestLoggingOptions(logger));
}
