import type { Player } from '../player.entity.js';
import { JSON_API_OBJECT } from './json-api-response.js';

/** The JSON:API type of a player (the original's resource name). */
export const USER_TYPE = 'user';
export const USER_ATTRIBUTES = ['nickname', 'stamps_collected'] as const;
export type UserAttribute = (typeof USER_ATTRIBUTES)[number];
/** Where the user resources live. */
export const USERS_PATH = '/api/json/accounts/users';

export interface UserAttributes {
  nickname?: string | null;
  stamps_collected?: number;
}

export interface UserResource {
  id: string;
  type: typeof USER_TYPE;
  attributes: UserAttributes;
  links: { self: string };
}

/** The full URL of a player's resource. */
export function userUrl(origin: string, id: string): string {
  return `${origin}${USERS_PATH}/${id}`;
}

/** A player as a resource object; `fields` (a sparse fieldset) limits the attributes. */
export function userResource(
  player: Player,
  origin: string,
  fields?: ReadonlySet<UserAttribute>,
): UserResource {
  const all: Required<UserAttributes> = {
    nickname: player.nickname,
    stamps_collected: player.stampsCollected,
  };
  const attributes: UserAttributes = {};
  for (const name of USER_ATTRIBUTES) {
    if (fields === undefined || fields.has(name)) Object.assign(attributes, { [name]: all[name] });
  }
  return {
    id: player.id,
    type: USER_TYPE,
    attributes,
    links: { self: userUrl(origin, player.id) },
  };
}

/** The document for one player. */
export function userDocument(resource: UserResource, self: string) {
  return { data: resource, jsonapi: JSON_API_OBJECT, links: { self } };
}

export interface IndexLinks {
  self: string;
  first: string;
  last: string;
  prev?: string;
  next?: string;
}

/** The document for a page of the index; `meta.total` counts every match. */
export function userIndexDocument(resources: UserResource[], links: IndexLinks, total: number) {
  return { data: resources, jsonapi: JSON_API_OBJECT, links, meta: { total } };
}
