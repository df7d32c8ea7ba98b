import { STATUS_CODES } from 'node:http';
import { RallyError, type RallyProblem } from '../rally-error.js';

/**
 * The problems the JSON:API edge reports besides the domain's own (`invalid_attribute`,
 * `not_found`). Codes: `InvalidBody` and `InvalidQuery` (400, the AshJsonApi names the spec
 * uses), `unauthorized` 401, `forbidden` 403, `not_found` 404, `method_not_allowed` 405,
 * `not_acceptable` 406, `conflict` 409, `unsupported_media_type` 415.
 */

/** JSON Pointer (RFC 6901) of a path of member names. */
export function pointer(...segments: string[]): string {
  return segments.map((s) => `/${s.replace(/~/g, '~0').replace(/\//g, '~1')}`).join('');
}

/** A malformed request document; `at` is a JSON Pointer (absent when the body is not JSON). */
export function invalidBody(detail: string, at?: string): RallyProblem {
  const problem: RallyProblem = { status: 400, code: 'InvalidBody', title: 'Invalid Body', detail };
  if (at !== undefined) problem.pointer = at;
  return problem;
}

export function invalidQuery(detail: string, parameter: string): RallyProblem {
  return { status: 400, code: 'InvalidQuery', title: 'Invalid Query', detail, parameter };
}

/** Why a string PostgreSQL cannot hold (see common/json/json-limits.ts) is refused. */
export function unstorableTextDetail(name: string): string {
  return `${name} must not contain U+0000 or unpaired surrogates`;
}

export function conflict(detail: string, at: string): RallyProblem {
  return { status: 409, code: 'conflict', title: 'Conflict', detail, pointer: at };
}

export function clientIdForbidden(): RallyProblem {
  return {
    status: 403,
    code: 'forbidden',
    title: 'Forbidden',
    detail: 'Client-generated ids are not supported',
    pointer: '/data/id',
  };
}

export function unauthorized(): RallyError {
  return new RallyError([
    {
      status: 401,
      code: 'unauthorized',
      title: 'Unauthorized',
      detail: 'A valid bearer token is required: Authorization: Bearer <token>',
    },
  ]);
}

export function adminRequired(): RallyError {
  return new RallyError([
    {
      status: 403,
      code: 'forbidden',
      title: 'Forbidden',
      detail: 'This route requires the admin token',
    },
  ]);
}

export function unsupportedMediaType(): RallyError {
  return new RallyError([
    {
      status: 415,
      code: 'unsupported_media_type',
      title: 'Unsupported Media Type',
      detail:
        'Content-Type must be application/vnd.api+json (parameters ext and profile only) or application/json',
    },
  ]);
}

export function notAcceptable(): RallyError {
  return new RallyError([
    {
      status: 406,
      code: 'not_acceptable',
      title: 'Not Acceptable',
      detail:
        'Every application/vnd.api+json in Accept carries a parameter other than ext and profile',
    },
  ]);
}

export function methodNotAllowed(method: string): RallyError {
  return new RallyError([
    {
      status: 405,
      code: 'method_not_allowed',
      title: 'Method Not Allowed',
      detail: `${method} is not allowed on this route`,
    },
  ]);
}

export function routeNotFound(method: string, path: string): RallyError {
  return new RallyError([
    {
      status: 404,
      code: 'not_found',
      title: 'Not Found',
      detail: `No route for ${method} ${path}`,
    },
  ]);
}

/** A problem for a bare HTTP status (`Payload Too Large` → `payload_too_large`). */
export function statusProblem(status: number, detail?: string): RallyProblem {
  const title = STATUS_CODES[status] ?? 'Error';
  const code = title
    .toLowerCase()
    .replace(/[^a-z0-9]+/g, '_')
    .replace(/^_|_$/g, '');
  return { status, code, title, detail: detail ?? title };
}
