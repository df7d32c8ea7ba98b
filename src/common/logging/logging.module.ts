import { randomUUID } from 'node:crypto';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { type DynamicModule, Module } from '@nestjs/common';
import { LoggerModule } from 'nestjs-pino';
import type { Logger } from 'pino';
import { redactUrl } from './redaction.js';

const REQUEST_ID = /^[\w.:-]{1,128}$/;

/** Uses the caller's X-Request-Id when it is sane, else a new UUID; echoes it on the response. */
function requestId(req: IncomingMessage, res: ServerResponse): string {
  const header = req.headers['x-request-id'];
  const id = typeof header === 'string' && REQUEST_ID.test(header) ? header : randomUUID();
  res.setHeader('X-Request-Id', id);
  return id;
}

interface SerializedRequest {
  id: string;
  method: string;
  url: string;
  remoteAddress?: string;
}

/** nestjs-pino over the root logger: one line per request, each with its `requestId`. */
@Module({})
export class LoggingModule {
  static forRoot(logger: Logger): DynamicModule {
    return {
      module: LoggingModule,
      imports: [
        LoggerModule.forRoot({
          pinoHttp: {
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
                remoteAddress: req.remoteAddress,
              }),
              res: (res: { statusCode: number }) => ({ statusCode: res.statusCode }),
            },
            customLogLevel: (_req, res, error) =>
              error || res.statusCode >= 500 ? 'error' : res.statusCode >= 400 ? 'warn' : 'info',
          },
        }),
      ],
    };
  }
}
