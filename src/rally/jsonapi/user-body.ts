import { nickname, stampsCollected } from '../player-rules.js';
import type { PlayerChanges } from '../players.service.js';
import { RallyError, type RallyProblem } from '../rally-error.js';
import { clientIdForbidden, conflict, invalidBody, pointer } from './json-api-problems.js';
import { USER_TYPE } from './user-resource.js';

/** What the document is for: a new player, or the player at the URL's id. */
export type UserWrite = { action: 'create' } | { action: 'update'; id: string };

type JsonObject = Record<string, unknown>;

function isObject(value: unknown): value is JsonObject {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/** Runs one attribute rule, collecting its problems instead of stopping at the first. */
function attempt<T>(problems: RallyProblem[], rule: () => T): T | undefined {
  try {
    return rule();
  } catch (error) {
    if (!(error instanceof RallyError)) throw error;
    problems.push(...error.problems);
    return undefined;
  }
}

function checkResourceMembers(data: JsonObject, write: UserWrite, problems: RallyProblem[]): void {
  for (const [key, value] of Object.entries(data)) {
    switch (key) {
      case 'type':
        if (value !== USER_TYPE) problems.push(conflict('type must be "user"', '/data/type'));
        break;
      case 'id':
        if (write.action === 'create') problems.push(clientIdForbidden());
        else if (typeof value !== 'string' || value.toLowerCase() !== write.id.toLowerCase())
          problems.push(conflict('data.id does not match the id in the URL', '/data/id'));
        break;
      case 'attributes':
        if (!isObject(value))
          problems.push(invalidBody('attributes must be an object', '/data/attributes'));
        break;
      case 'relationships':
        if (!isObject(value)) {
          problems.push(invalidBody('relationships must be an object', '/data/relationships'));
        } else {
          for (const name of Object.keys(value))
            problems.push(
              invalidBody(`Unknown relationship "${name}"`, pointer('data', 'relationships', name)),
            );
        }
        break;
      default:
        problems.push(invalidBody(`Unknown member "${key}" in data`, pointer('data', key)));
    }
  }
}

function readAttributes(attributes: JsonObject, problems: RallyProblem[]): PlayerChanges {
  const changes: PlayerChanges = {};
  for (const [key, value] of Object.entries(attributes)) {
    if (key === 'nickname') {
      const name = attempt(problems, () => nickname(value));
      if (name !== undefined) changes.nickname = name;
    } else if (key === 'stamps_collected') {
      const stamps = attempt(problems, () => stampsCollected(value));
      if (stamps !== undefined) changes.stampsCollected = stamps;
    } else {
      problems.push(invalidBody(`Unknown attribute "${key}"`, pointer('data', 'attributes', key)));
    }
  }
  return changes;
}

/**
 * The changes a create or update document asks for (spec decisions 5–7). The document is
 * `{"data": {type?, id?, attributes?, relationships?}}` and nothing else; every problem found is
 * reported at once: 400 `InvalidBody` (shape), 403 (a client id on create), 409 (`type` other than
 * `user`, `id` other than the URL's), 400 `invalid_attribute` (the player rules).
 */
export function userChanges(body: unknown, write: UserWrite): PlayerChanges {
  if (!isObject(body)) {
    throw new RallyError([invalidBody('The request body must be a JSON object', '')]);
  }
  const problems: RallyProblem[] = [];
  for (const key of Object.keys(body)) {
    if (key !== 'data')
      problems.push(invalidBody(`Unknown top-level member "${key}"`, pointer(key)));
  }
  const data = body.data;
  if (!('data' in body)) {
    problems.push(invalidBody('The document must have a data member', '/data'));
  } else if (!isObject(data)) {
    problems.push(invalidBody('data must be a resource object', '/data'));
  } else {
    checkResourceMembers(data, write, problems);
    if (isObject(data.attributes)) {
      const changes = readAttributes(data.attributes, problems);
      if (problems.length === 0) return changes;
    } else if (problems.length === 0) {
      return {};
    }
  }
  throw new RallyError(problems);
}
