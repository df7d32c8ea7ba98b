import {
  type ArgumentsHost,
  Catch,
  type ExceptionFilter,
  HttpException,
  Logger,
} from '@nestjs/common';
import type { Response } from 'express';
import { JsonTooDeepError } from '../../common/http/json-body-limits.js';
import { MAX_JSON_DEPTH } from '../../common/json/json-limits.js';
import { RallyError, type RallyProblem } from '../rally-error.js';
import { invalidBody, statusProblem } from './json-api-problems.js';
import { sendProblems } from './json-api-response.js';

/** body-parser's error types (Nest wraps them into HttpExceptions with the original as cause). */
const BODY_PARSER_DETAILS: Record<string, string> = {
  'entity.parse.failed': 'The request body is not valid JSON',
  'entity.too.large': 'Request body too large',
  'encoding.unsupported': 'Unsupported request body encoding',
  'charset.unsupported': 'Unsupported request body charset',
};
const TOO_DEEP_DETAIL = `The request body nests deeper than ${MAX_JSON_DEPTH} levels`;

/**
 * A body-parser error (from Express directly or wrapped by Nest), as a problem. A body refused
 * for its nesting (see common/http/json-body-limits.ts) is shaped as a parse failure; it says why.
 */
export function bodyParserProblem(error: unknown): RallyProblem | undefined {
  const candidate = error instanceof HttpException ? error.cause : error;
  if (candidate instanceof JsonTooDeepError) return invalidBody(TOO_DEEP_DETAIL);
  const { type, status } = (candidate ?? {}) as { type?: unknown; status?: unknown };
  if (typeof type !== 'string' || !(type in BODY_PARSER_DETAILS)) return undefined;
  const httpStatus = typeof status === 'number' && status >= 400 && status < 500 ? status : 400;
  return httpStatus === 400
    ? invalidBody(BODY_PARSER_DETAILS[type])
    : statusProblem(httpStatus, BODY_PARSER_DETAILS[type]);
}

/** The HTTP status and problems for anything a /api/json route throws; undefined: unexpected. */
export function problemsFor(
  exception: unknown,
): { status: number; problems: RallyProblem[] } | undefined {
  if (exception instanceof RallyError) {
    return { status: exception.status, problems: exception.problems };
  }
  const parserProblem = bodyParserProblem(exception);
  if (parserProblem) return { status: parserProblem.status, problems: [parserProblem] };
  if (exception instanceof HttpException) {
    const status = exception.getStatus();
    return { status, problems: [statusProblem(status)] };
  }
  return undefined;
}

/**
 * Renders every error of the /api/json controllers as a JSON:API error document
 * (`application/vnd.api+json`): domain problems, Nest's HTTP exceptions and, as a last resort,
 * 500 `internal_server_error` (logged, never with a stack trace in the body).
 */
@Catch()
export class JsonApiExceptionFilter implements ExceptionFilter {
  private readonly logger = new Logger('JsonApi');

  catch(exception: unknown, host: ArgumentsHost): void {
    if (host.getType() !== 'http') return;
    const res = host.switchToHttp().getResponse<Response>();
    if (res.headersSent) return;
    const known = problemsFor(exception);
    if (known) {
      sendProblems(res, known.status, known.problems);
      return;
    }
    this.logger.error(
      exception instanceof Error ? (exception.stack ?? exception.message) : String(exception),
    );
    sendProblems(res, 500, [statusProblem(500)]);
  }
}
