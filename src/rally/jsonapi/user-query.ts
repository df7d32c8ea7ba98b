import { isUnstorableText } from '../../common/json/json-limits.js';
import type { Comparison, PlayerQuery, PlayerSortField } from '../players.service.js';
import { RallyError, type RallyProblem } from '../rally-error.js';
import { invalidQuery, unstorableTextDetail } from './json-api-problems.js';
import { queryString } from './request-url.js';
import { type IndexLinks, USER_ATTRIBUTES, type UserAttribute } from './user-resource.js';

export const PAGE_LIMIT_DEFAULT = 50;
export const PAGE_LIMIT_MAX = 100;

type Parameters = Array<[string, string]>;

export interface UserIndexRequest {
  query: PlayerQuery;
  /** The sparse fieldset (`fields[user]`); undefined: every attribute. */
  fields?: Set<UserAttribute>;
}

const STAMPS_FILTER = /^filter\[stamps_collected\](?:\[([a-z]+)\])?$/;
const COMPARISONS = new Set<string>(['eq', 'gt', 'gte', 'lt', 'lte']);
const SORT_FIELDS = new Set<string>(['nickname', 'stamps_collected']);
const ATTRIBUTES = new Set<string>(USER_ATTRIBUTES);

/**
 * Reports repeated parameters, those not in `allowed` (JSON:API: unknown → 400) and values
 * PostgreSQL could not compare with (U+0000).
 */
function checkParameters(
  parameters: Parameters,
  allowed: (name: string) => boolean,
  problems: RallyProblem[],
): void {
  const seen = new Set<string>();
  for (const [name, value] of parameters) {
    if (seen.has(name)) problems.push(invalidQuery(`${name} is given more than once`, name));
    else if (name === 'include') problems.push(invalidQuery('include is not supported', name));
    else if (!allowed(name)) problems.push(invalidQuery(`Unknown query parameter ${name}`, name));
    else if (isUnstorableText(value)) problems.push(invalidQuery(unstorableTextDetail(name), name));
    seen.add(name);
  }
}

function integer(value: string, min: number, max: number): number | undefined {
  if (!/^-?\d{1,15}$/.test(value)) return undefined;
  const number = Number(value);
  return number >= min && number <= max ? number : undefined;
}

function parseFields(value: string, problems: RallyProblem[]): Set<UserAttribute> {
  const fields = new Set<UserAttribute>();
  for (const name of value === '' ? [] : value.split(',')) {
    if (ATTRIBUTES.has(name)) fields.add(name as UserAttribute);
    else problems.push(invalidQuery(`Unknown attribute "${name}" in fields[user]`, 'fields[user]'));
  }
  return fields;
}

function parseSort(value: string, problems: RallyProblem[]): PlayerQuery['sort'] {
  const sort: PlayerQuery['sort'] = [];
  for (const item of value.split(',')) {
    const descending = item.startsWith('-');
    const field = descending ? item.slice(1) : item;
    if (!SORT_FIELDS.has(field)) {
      problems.push(invalidQuery(`Unknown sort field "${item}"`, 'sort'));
    } else if (sort.some((s) => s.field === field)) {
      problems.push(invalidQuery(`Sort field "${field}" is given more than once`, 'sort'));
    } else {
      sort.push({ field: field as PlayerSortField, descending });
    }
  }
  return sort;
}

/** `fields[user]` only: the query of the single-resource routes. */
export function parseUserFields(parameters: Parameters): Set<UserAttribute> | undefined {
  const problems: RallyProblem[] = [];
  checkParameters(parameters, (name) => name === 'fields[user]', problems);
  const value = parameters.find(([name]) => name === 'fields[user]')?.[1];
  const fields = value === undefined ? undefined : parseFields(value, problems);
  if (problems.length > 0) throw new RallyError(problems);
  return fields;
}

/**
 * The index query (spec decision 8): `filter[nickname]`, `filter[stamps_collected]` (equality)
 * or `filter[stamps_collected][eq|gt|gte|lt|lte]`, `sort` (comma list, `-` for descending),
 * `fields[user]`, `page[limit]` (1–100, default 50) and `page[offset]` (default 0).
 * Every problem is reported with its `source.parameter`.
 */
export function parseUserIndexQuery(parameters: Parameters): UserIndexRequest {
  const problems: RallyProblem[] = [];
  checkParameters(
    parameters,
    (name) =>
      ['filter[nickname]', 'sort', 'fields[user]', 'page[limit]', 'page[offset]'].includes(name) ||
      STAMPS_FILTER.test(name),
    problems,
  );
  const query: PlayerQuery = { sort: [], limit: PAGE_LIMIT_DEFAULT, offset: 0 };
  let fields: Set<UserAttribute> | undefined;
  for (const [name, value] of parameters) {
    const stamps = STAMPS_FILTER.exec(name);
    if (name === 'filter[nickname]') {
      query.nickname = value;
    } else if (stamps) {
      const op = stamps[1] ?? 'eq';
      const number = integer(value, Number.MIN_SAFE_INTEGER, Number.MAX_SAFE_INTEGER);
      if (!COMPARISONS.has(op)) {
        problems.push(invalidQuery(`Unknown comparison "${op}" (eq, gt, gte, lt, lte)`, name));
      } else if (number === undefined) {
        problems.push(invalidQuery(`${name} must be an integer`, name));
      } else {
        query.stamps = { ...query.stamps, [op as Comparison]: number };
      }
    } else if (name === 'sort') {
      query.sort = parseSort(value, problems);
    } else if (name === 'fields[user]') {
      fields = parseFields(value, problems);
    } else if (name === 'page[limit]') {
      const limit = integer(value, 1, PAGE_LIMIT_MAX);
      if (limit === undefined)
        problems.push(
          invalidQuery(`page[limit] must be an integer from 1 to ${PAGE_LIMIT_MAX}`, name),
        );
      else query.limit = limit;
    } else if (name === 'page[offset]') {
      const offset = integer(value, 0, Number.MAX_SAFE_INTEGER);
      if (offset === undefined)
        problems.push(invalidQuery('page[offset] must be a non-negative integer', name));
      else query.offset = offset;
    }
  }
  if (problems.length > 0) throw new RallyError(problems);
  return { query, fields };
}

/**
 * Pagination links: the request's other parameters kept, `page[limit]` and `page[offset]` set.
 * `prev` and `next` only when there is such a page.
 */
export function indexLinks(
  self: string,
  path: string,
  parameters: Parameters,
  query: PlayerQuery,
  total: number,
): IndexLinks {
  const kept = parameters.filter(([name]) => !name.startsWith('page['));
  const page = (offset: number) =>
    `${path}${queryString([
      ...kept,
      ['page[limit]', String(query.limit)],
      ['page[offset]', String(offset)],
    ])}`;
  const lastOffset = total === 0 ? 0 : Math.floor((total - 1) / query.limit) * query.limit;
  const links: IndexLinks = { self, first: page(0), last: page(lastOffset) };
  if (query.offset > 0) links.prev = page(Math.max(0, Math.min(query.offset, total) - query.limit));
  if (query.offset + query.limit < total) links.next = page(query.offset + query.limit);
  return links;
}
