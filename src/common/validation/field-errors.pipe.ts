import { type ArgumentMetadata, Injectable, type PipeTransform } from '@nestjs/common';
import { plainToInstance } from 'class-transformer';
import { type ValidationError, validate } from 'class-validator';
import { type FieldErrors, MissingParameters, ValidationFailed } from '../errors/domain-error.js';
import { findUnstorableText } from '../json/json-limits.js';

/** The message of `@IsDefined` on a required body key: it makes the key a missing parameter. */
export const MISSING = 'missing';
/** The message of a type check (`@IsString({ message: INVALID })`). */
export const INVALID = 'is invalid';
/** The message for a string PostgreSQL cannot store (a U+0000 or a lone surrogate). */
export const NOT_ALLOWED = 'contains characters that are not allowed';

function collect(errors: ValidationError[], prefix = ''): FieldErrors {
  const fields: FieldErrors = {};
  for (const error of errors) {
    const name = prefix + error.property;
    const messages = Object.values(error.constraints ?? {}).filter((m) => m !== MISSING);
    // A value of the wrong type is only "is invalid" (as Ecto's cast error), not every rule.
    if (messages.includes(INVALID)) fields[name] = [INVALID];
    else if (messages.length > 0) fields[name] = messages;
    Object.assign(fields, collect(error.children ?? [], `${name}.`));
  }
  return fields;
}

/**
 * Field errors plus, for the body key holding the first string (value or key, at any depth,
 * ignored keys included) that PostgreSQL cannot store, NOT_ALLOWED when the rules gave that key
 * no message of their own.
 */
function withUnstorableText(fields: FieldErrors, body: object): FieldErrors {
  const path = findUnstorableText(body);
  if (path === undefined) return fields;
  const key = String(path[0]);
  return Object.hasOwn(fields, key) ? fields : { ...fields, [key]: [NOT_ALLOWED] };
}

/**
 * Validates a body DTO the way the chat API answers: missing required keys → 400
 * `{"error":{"missing_parameters":[…]}}`; anything else invalid → 422 `{"errors":{field:[…]}}`,
 * strings PostgreSQL cannot store included (on every key: nothing unstorable gets past the
 * edge). Unknown keys are otherwise ignored (stripped).
 */
@Injectable()
export class FieldErrorsPipe implements PipeTransform {
  async transform(value: unknown, metadata: ArgumentMetadata): Promise<unknown> {
    const type = metadata.metatype;
    if (
      metadata.type !== 'body' ||
      !type ||
      [Object, String, Number, Boolean, Array].includes(type as never)
    ) {
      return value;
    }
    const body = typeof value === 'object' && value !== null && !Array.isArray(value) ? value : {};
    const instance = plainToInstance(type, body) as object;
    const errors = await validate(instance, { whitelist: true, forbidUnknownValues: false });
    const missing = errors
      .filter((e) => Object.values(e.constraints ?? {}).includes(MISSING))
      .map((e) => e.property);
    if (missing.length > 0) throw new MissingParameters(missing);
    const fields = withUnstorableText(collect(errors), body);
    if (errors.length > 0 || Object.keys(fields).length > 0) throw new ValidationFailed(fields);
    return instance;
  }
}
