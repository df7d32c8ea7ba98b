import {
  type ArgumentsHost,
  Catch,
  type ExceptionFilter,
  HttpException,
  HttpStatus,
  Logger,
} from '@nestjs/common';
import type { Response } from 'express';
import { DomainError } from '../errors/domain-error.js';
import { httpResponseFor } from './domain-error.mapping.js';
import { errorBody } from './error-body.js';
import { JsonTooDeepError } from './json-body-limits.js';

/** body-parser's error types, which Nest wraps into HttpExceptions with the original as cause. */
const BODY_PARSER_DETAILS: Record<string, string> = {
  'entity.parse.failed': 'Malformed JSON in request body',
  'entity.too.large': 'Request body too large',
  'encoding.unsupported': 'Unsupported request body encoding',
  'charset.unsupported': 'Unsupported request body charset',
};

/** Shapes an HttpException's response: objects we built pass through; Nest's defaults are mapped. */
function httpExceptionBody(exception: HttpException): object {
  if (exception.cause instanceof JsonTooDeepError) return errorBody(exception.cause.message);
  const parserType = (exception.cause as { type?: unknown } | undefined)?.type;
  if (typeof parserType === 'string' && parserType in BODY_PARSER_DETAILS) {
    return errorBody(BODY_PARSER_DETAILS[parserType]);
  }
  const response = exception.getResponse();
  if (typeof response === 'string') return errorBody(response);
  const body = response as Record<string, unknown>;
  // Nest's built-in exceptions answer { statusCode, message, error }.
  if ('statusCode' in body && 'message' in body) {
    if (exception.getStatus() === 404) return errorBody('Not Found');
    const message = Array.isArray(body.message) ? body.message.join('; ') : String(body.message);
    return errorBody(message);
  }
  return body;
}

/**
 * The last line of defence: every error leaves as JSON, never with a stack trace. Unexpected
 * errors are logged and answered 500 `{"errors":{"detail":"Internal Server Error"}}`.
 */
@Catch()
export class AllExceptionsFilter implements ExceptionFilter {
  private readonly logger = new Logger('HTTP');

  catch(exception: unknown, host: ArgumentsHost): void {
    if (host.getType() !== 'http') return;
    const res = host.switchToHttp().getResponse<Response>();
    if (res.headersSent) return;
    if (exception instanceof DomainError) {
      const { status, body, headers } = httpResponseFor(exception);
      if (headers) res.set(headers);
      res.status(status).json(body);
      return;
    }
    if (exception instanceof HttpException) {
      res.status(exception.getStatus()).json(httpExceptionBody(exception));
      return;
    }
    this.logger.error(
      exception instanceof Error ? (exception.stack ?? exception.message) : String(exception),
    );
    res.status(HttpStatus.INTERNAL_SERVER_ERROR).json(errorBody('Internal Server Error'));
  }
}
