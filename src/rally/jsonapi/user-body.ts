import { isUnstorableText } from '../../common/json/json-limits.js';
import { nickname, stampsCollected } from '../player-rules.js';
import type { PlayerChanges } from '../players.service.js';
import { invalidAttribute, RallyError, type RallyProblem } from '../rally-error.js';
import {
  clientIdForbidden,
  conflict,
  invalidBody,
  pointer,
  unstorableTextDetail,
} from './json-api-problems.js';
import { USER_TYPE } from './user-resource.js';

/** What the document is for: a new player, or the player at the URL's id. */
export type UserWrite = { action: 'create' } | { action: 'update'; id: string };

type JsonObject = Record<string, unknown>;

function isObject(value: unknown): value is JsonObject {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/** Runs one attribute rule, collecting its problems instead of stopping at the first. */
function attempt(problems: RallyProblem[], rule: () => void): void {
  try {
    rule();
  } catch (error) {
    if (!(error instanceof RallyError)) throw error;
    problems.push(...error.problems);
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

/** The attribute rules (spec decision 7), each setting its member of the changes. */
const ATTRIBUTE_RULES: Record<string, (value: unknown, changes: PlayerChanges) => void> = {
  nickname: (value, changes) => (changes.nickname = nickname(value)),
  stamps_collected: (value, changes) => (changes.stampsCollected = stampsCollected(value)),
};

function readAttributes(attributes: JsonObject, problems: RallyProblem[]): PlayerChanges {
  const changes: PlayerChanges = {};
  for (const [key, value] of Object.entries(attributes)) {
    const rule = Object.hasOwn(ATTRIBUTE_RULES, key) ? ATTRIBUTE_RULES[key] : undefined;
    if (rule === undefined) {
      problems.push(invalidBody(`Unknown attribute "${key}"`, pointer('data', 'attributes', key)));
    } else if (typeof value === 'string' && isUnstorableText(value)) {
      problems.push(invalidAttribute(key, unstorableTextDetail(key)));
    } else {
      attempt(problems, () => rule(value, changes));
    }
  }
  return changes;
}

/**
 * The changes a create or update document asks for (spec decisions 5–7). The document is
 * `{"data": {type?, id?, attributes?, relationships?}}` and nothing else; every problem found is
 * reported at once: 400 `InvalidBody` (shape), 403 (a client id on create), 409 (`type` other than
 * `user`, `id` other than the URL's), 400 `invalid_attribute` (the player rules, and strings
 * PostgreSQL cannot hold: U+0000, unpaired surrogates).
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
