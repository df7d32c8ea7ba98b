/**
 * The one error vocabulary of the house. Services throw DomainErrors with a code; the HTTP
 * filter maps codes to a status and the documented body, the channel layer to an error reply.
 * Domain code never throws HTTP exceptions.
 */
export type DomainErrorCode =
  | 'invalid_credentials'
  | 'invalid_token'
  | 'invalid_input'
  | 'not_found'
  | 'forbidden'
  | 'validation_failed'
  | 'missing_parameters'
  | 'unauthenticated'
  | 'rate_limited';

/** Field → messages, as Ecto changeset errors render: `{"email": ["has already been taken"]}`. */
export type FieldErrors = Record<string, string[]>;

export class DomainError extends Error {
  constructor(
    readonly code: DomainErrorCode,
    message: string,
  ) {
    super(message);
    this.name = 'DomainError';
  }

  /** Over a channel: `{"status":"error","response":{"reason":code}}`. */
  toChannelReply(): { status: string; response: unknown } {
    return { status: 'error', response: { reason: this.code } };
  }
}

/** 422 with field errors. */
export class ValidationFailed extends DomainError {
  constructor(readonly fields: FieldErrors) {
    super('validation_failed', 'validation failed');
  }

  override toChannelReply(): { status: string; response: unknown } {
    return { status: 'error', response: { reason: 'validation_failed', errors: this.fields } };
  }
}

/** 400 naming the body keys that are missing. */
export class MissingParameters extends DomainError {
  constructor(readonly parameters: string[]) {
    super('missing_parameters', `missing parameters: ${parameters.join(', ')}`);
  }
}

/** 401 from the bearer check: `Authentication token is <reason>.` */
export class Unauthenticated extends DomainError {
  constructor(readonly reason: 'missing' | 'invalid_token' | 'invalid' | 'expired') {
    super('unauthenticated', `Authentication token is ${reason}.`);
  }
}

/** 429 with Retry-After. */
export class RateLimited extends DomainError {
  constructor(readonly retryAfterSeconds: number) {
    super('rate_limited', 'Too many requests');
  }
}

export const invalidCredentials = () =>
  new DomainError('invalid_credentials', 'Invalid email and/or password');
export const invalidToken = () => new DomainError('invalid_token', 'Invalid token');
export const invalidInput = () => new DomainError('invalid_input', 'Invalid input');
export const notFound = () => new DomainError('not_found', 'Not Found');
