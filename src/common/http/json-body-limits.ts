import type { IncomingMessage, ServerResponse } from 'node:http';
import { jsonTextExceedsDepth, MAX_JSON_DEPTH } from '../json/json-limits.js';

/**
 * A JSON body refused for its nesting. Shaped like body-parser's own parse errors (a
 * SyntaxError with status 400, `expose` and type `entity.parse.failed`), so that every handler
 * of body-parser errors answers it as a malformed body in its route family's shape; the chat
 * filter recognises the class and says why.
 */
export class JsonTooDeepError extends SyntaxError {
  readonly status = 400;
  readonly statusCode = 400;
  readonly expose = true;
  readonly type = 'entity.parse.failed';

  constructor() {
    super(`JSON body nested deeper than ${MAX_JSON_DEPTH} levels`);
    this.name = 'JsonTooDeepError';
  }
}

/** A JSON body in another charset than UTF-8 (RFC 8259 §8.1), as body-parser reports one. */
class UnsupportedCharsetError extends Error {
  readonly status = 415;
  readonly statusCode = 415;
  readonly expose = true;
  readonly type = 'charset.unsupported';

  constructor(readonly charset: string) {
    super(`unsupported charset "${charset.toUpperCase()}"`);
  }
}

/**
 * body-parser's `verify` for JSON: refuses, before `JSON.parse`, a body nested deeper than
 * MAX_JSON_DEPTH (recursive code further in, class-transformer first, would overflow the stack).
 * Only UTF-8 is read: there the bytes of `"`, `\`, brackets and braces never occur inside a
 * multi-byte character, so scanning the bytes as latin1 is exact and copies nothing twice.
 */
export function refuseDeepJson(
  _req: IncomingMessage,
  _res: ServerResponse,
  body: Buffer,
  encoding: string,
): void {
  if (encoding.toLowerCase() !== 'utf-8') throw new UnsupportedCharsetError(encoding);
  if (jsonTextExceedsDepth(body.toString('latin1'))) throw new JsonTooDeepError();
}
