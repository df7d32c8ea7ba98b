import { invalidQuery } from '../jsonapi/json-api-problems.js';
import { RallyError } from '../rally-error.js';

export const LEADERBOARD_LIMIT_DEFAULT = 1000;
export const LEADERBOARD_LIMIT_MAX = 1000;

/** `?limit=N`: an integer from 1 to 1000, default 1000; anything else → 400 `InvalidQuery`. */
export function leaderboardLimit(parameters: Array<[string, string]>): number {
  const values = parameters.filter(([name]) => name === 'limit').map(([, value]) => value);
  if (values.length === 0) return LEADERBOARD_LIMIT_DEFAULT;
  const limit = /^\d{1,4}$/.test(values[0]) ? Number(values[0]) : NaN;
  if (values.length > 1 || !(limit >= 1 && limit <= LEADERBOARD_LIMIT_MAX)) {
    throw new RallyError([
      invalidQuery(`limit must be an integer from 1 to ${LEADERBOARD_LIMIT_MAX}`, 'limit'),
    ]);
  }
  return limit;
}
