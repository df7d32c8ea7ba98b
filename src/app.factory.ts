import { NestFactory } from '@nestjs/core';
import type {
  NestExpressApplication,
  NestExpressBodyParserOptionsMap,
} from '@nestjs/platform-express';
import { Logger } from 'nestjs-pino';
import { AppModule, type AppModuleOptions } from './app.module.js';
import { AllExceptionsFilter } from './common/http/all-exceptions.filter.js';
import { refuseDeepJson } from './common/http/json-body-limits.js';
import { requestLogging } from './common/logging/request-logging.js';
import { MetricsRegistry } from './metrics/metrics-registry.js';
import { setupOpenApi } from './openapi.js';
import { PhoenixWsAdapter } from './realtime/transport/phoenix-ws.adapter.js';
import { VERSION } from './version.js';

/** Builds the configured application (not listening yet); used by main.ts and the tests. */
export async function createApp(options: AppModuleOptions): Promise<NestExpressApplication> {
  const app = await NestFactory.create<NestExpressApplication>(AppModule.forRoot(options), {
    bufferLogs: true,
    abortOnError: false,
  });
  app.useLogger(app.get(Logger));
  app.disable('x-powered-by');
  // req.protocol, req.host and req.ip follow X-Forwarded-* only from the proxies TRUST_PROXY names.
  app.set('trust proxy', options.config.app.trustProxy);
  // First, so that requests refused by a body parser still get their id and log line.
  app.use(requestLogging(options.logger));
  // Then the request histogram of GET /metrics, which times these requests too.
  app.use(app.get(MetricsRegistry).httpMiddleware);
  // LongPoll POSTs are ndjson, one frame per line (phoenix.js batches): 8 frames' worth at most.
  const ndjsonLimit = 8 * options.config.realtime.maxFrameBytes;
  app.useBodyParser('text', { type: 'application/x-ndjson', limit: ndjsonLimit });
  // Nest types `verify` as reserved (it sets it for `rawBody: true`, which this app does not use).
  const json: NestExpressBodyParserOptionsMap['json'] = {
    type: ['application/json', 'application/vnd.api+json'],
    verify: refuseDeepJson,
  };
  app.useBodyParser('json', json);
  app.useWebSocketAdapter(new PhoenixWsAdapter(app));
  app.useGlobalFilters(new AllExceptionsFilter());
  setupOpenApi(app, VERSION);
  return app;
}

/** The base URL to print for a listening app. */
export function listeningUrl(app: NestExpressApplication, host: string): string {
  const address = app.getHttpServer().address() as { port: number } | null;
  const shown = host === '0.0.0.0' || host === '::' ? 'localhost' : host;
  return `http://${shown}:${address?.port ?? 0}`;
}
