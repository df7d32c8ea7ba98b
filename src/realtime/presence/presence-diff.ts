import type { PresenceDiff, PresenceMeta, PresenceState } from './presence-tracker.js';

/** Plain object; keys are always defined as own data properties (see `setOwn`). */
export function emptyState(): PresenceState {
  return {};
}

/**
 * Defines `key` as an own enumerable data property, so keys such as "__proto__" become real
 * keys (plain assignment would change the prototype instead) and survive JSON.stringify.
 */
export function setOwn(state: PresenceState, key: string, value: { metas: PresenceMeta[] }): void {
  Object.defineProperty(state, key, {
    value,
    enumerable: true,
    writable: true,
    configurable: true,
  });
}

/** Appends a copy of `meta` to `state[key].metas`. */
export function addMeta(state: PresenceState, key: string, meta: PresenceMeta): void {
  appendMeta(state, key, { ...meta });
}

function appendMeta(state: PresenceState, key: string, meta: PresenceMeta): void {
  if (Object.hasOwn(state, key)) state[key].metas.push(meta);
  else setOwn(state, key, { metas: [meta] });
}

/** Removes the meta with this `phx_ref` from `state[key]`; false when there is none. */
function removeMeta(state: PresenceState, key: string, ref: string): boolean {
  if (!Object.hasOwn(state, key)) return false;
  const metas = state[key].metas;
  const index = metas.findIndex((m) => m.phx_ref === ref);
  if (index < 0) return false;
  metas.splice(index, 1);
  if (metas.length === 0) delete state[key];
  return true;
}

/**
 * Folds `next` into `into` (which it mutates; `next`'s metas are taken over, not copied), so that
 * one diff carries both changes: what `next` joins is added, and what it leaves is either
 * struck from `into`'s joins (a meta that joined and left before anybody was told: nobody
 * hears of it) or added to the leaves. Applying the result to a client's state gives the same
 * presences as applying the two diffs in order (JS `Presence.syncDiff` handles joins first,
 * then leaves, matching metas by `phx_ref`).
 */
export function mergeDiff(into: PresenceDiff, next: PresenceDiff): void {
  for (const [key, { metas }] of Object.entries(next.joins)) {
    for (const meta of metas) appendMeta(into.joins, key, meta);
  }
  for (const [key, { metas }] of Object.entries(next.leaves)) {
    for (const meta of metas) {
      if (!removeMeta(into.joins, key, meta.phx_ref)) appendMeta(into.leaves, key, meta);
    }
  }
}

/** True when the diff joins and leaves nothing. */
export function isEmptyDiff(diff: PresenceDiff): boolean {
  return Object.keys(diff.joins).length === 0 && Object.keys(diff.leaves).length === 0;
}
