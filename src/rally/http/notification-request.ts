import { isUnstorableText } from '../../common/json/json-limits.js';
import { invalidBody, pointer } from '../jsonapi/json-api-problems.js';
import { RallyError, type RallyProblem } from '../rally-error.js';

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;
export const MESSAGE_MAX_LENGTH = 1000;

export interface NotificationRequest {
  userId: string;
  message: string;
}

/**
 * `{"user_id": <uuid>, "message": <1–1000 characters, storable text>}` and nothing else (the
 * same text rules as every other surface, though the message is only pushed); every problem is
 * reported as 400 `InvalidBody` with its pointer.
 */
export function notificationRequest(body: unknown): NotificationRequest {
  if (typeof body !== 'object' || body === null || Array.isArray(body)) {
    throw new RallyError([invalidBody('The request body must be a JSON object', '')]);
  }
  const { user_id: userId, message } = body as Record<string, unknown>;
  const problems: RallyProblem[] = [];
  for (const key of Object.keys(body)) {
    if (key !== 'user_id' && key !== 'message')
      problems.push(invalidBody(`Unknown member "${key}"`, pointer(key)));
  }
  if (typeof userId !== 'string' || !UUID.test(userId))
    problems.push(invalidBody('user_id must be a player id (a UUID)', '/user_id'));
  const length = typeof message === 'string' ? [...message].length : 0;
  if (typeof message !== 'string' || length < 1 || length > MESSAGE_MAX_LENGTH)
    problems.push(
      invalidBody(`message must be a string of 1 to ${MESSAGE_MAX_LENGTH} characters`, '/message'),
    );
  else if (isUnstorableText(message))
    problems.push(
      invalidBody('message must not contain U+0000 or unpaired surrogates', '/message'),
    );
  if (problems.length > 0) throw new RallyError(problems);
  return { userId: (userId as string).toLowerCase(), message: message as string };
}
