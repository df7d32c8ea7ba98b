import {
  DomainError,
  MissingParameters,
  RateLimited,
  Unauthenticated,
  ValidationFailed,
} from '../errors/domain-error.js';
import { InvalidQuery } from '../errors/invalid-query.js';
import { errorBody } from './error-body.js';

export interface HttpErrorResponse {
  status: number;
  body: object;
  headers?: Record<string, string>;
}

/**
 * Domain error codes → HTTP, in the chat API's documented shapes: bearer failures
 * `{"errors":{"detail":…}}`, domain errors `{"error":{"message":…}}`, 422 field errors
 * `{"errors":{field:[…]}}`, missing keys `{"error":{"missing_parameters":[…]}}`.
 */
export function httpResponseFor(error: DomainError): HttpErrorResponse {
  if (error instanceof ValidationFailed) return { status: 422, body: { errors: error.fields } };
  if (error instanceof InvalidQuery) return { status: 400, body: { errors: error.fields } };
  if (error instanceof MissingParameters) {
    return { status: 400, body: { error: { missing_parameters: error.parameters } } };
  }
  if (error instanceof Unauthenticated) return { status: 401, body: errorBody(error.message) };
  if (error instanceof RateLimited) {
    return {
      status: 429,
      body: { error: { message: error.message } },
      headers: { 'Retry-After': String(error.retryAfterSeconds) },
    };
  }
  switch (error.code) {
    case 'not_found':
      return { status: 404, body: errorBody('Not Found') };
    case 'invalid_credentials':
      return { status: 401, body: { error: { message: error.message } } };
    case 'forbidden':
      return { status: 403, body: { error: { message: error.message } } };
    default:
      return { status: 400, body: { error: { message: error.message } } };
  }
}
