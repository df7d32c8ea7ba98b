import { DomainError, type FieldErrors } from './domain-error.js';

/**
 * 400 for a query-string parameter the route cannot use (`page_size`, `page_token`, `search`),
 * rendered with field errors: `{"errors":{"page_size":["must be an integer between 1 and 100"]}}`.
 * Body validation stays 422 (ValidationFailed); a bad query is a bad request (spec Part A item 2).
 */
export class InvalidQuery extends DomainError {
  constructor(readonly fields: FieldErrors) {
    super('invalid_input', 'invalid query');
  }

  override toChannelReply(): { status: string; response: unknown } {
    return { status: 'error', response: { reason: 'invalid_input', errors: this.fields } };
  }
}
