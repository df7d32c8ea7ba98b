import { pino, type DestinationStream, type Logger } from 'pino';
import PinoPretty from 'pino-pretty';
import type { AppConfig } from '../../config/app.config.js';
import { redactPaths } from './redaction.js';

/**
 * The process's one pino logger: JSON lines, or pretty single lines when LOG_FORMAT=pretty.
 * Authorization and cookie headers and secret fields (passwords, tokens) are redacted.
 * `stream` replaces stdout (tests capture log output this way). `node` (NODE_NAME) is on every
 * line, so that the lines of several nodes can be told apart once collected together.
 */
export function createRootLogger(
  app: AppConfig,
  stream?: DestinationStream,
  node?: string,
): Logger {
  const options = {
    level: app.logLevel,
    redact: { paths: redactPaths(), censor: '[Redacted]' },
    base: node === undefined ? { pid: process.pid } : { pid: process.pid, node },
  };
  if (stream) return pino(options, stream);
  if (app.logFormat === 'pretty') {
    // In-process pretty printing: development only, so no worker thread is worth it.
    const pretty = PinoPretty({
      singleLine: true,
      translateTime: 'SYS:HH:MM:ss.l',
      ignore: 'pid,hostname',
      sync: true,
    });
    return pino(options, pretty);
  }
  return pino(options);
}
