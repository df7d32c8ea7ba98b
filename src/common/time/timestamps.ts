/** The chat API's wire timestamp: `2023-10-05 21:25:49.123Z` (a space, UTC, milliseconds). */
export function chatTimestamp(date: Date): string {
  return date.toISOString().replace('T', ' ');
}

/** ISO 8601 with `T` and `Z` (`confirmed_at`), or null. */
export function isoTimestamp(date: Date | null): string | null {
  return date === null ? null : date.toISOString();
}
