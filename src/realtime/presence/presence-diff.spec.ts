import { isEmptyDiff, mergeDiff } from './presence-diff.js';
import type { PresenceDiff, PresenceMeta, PresenceState } from './presence-tracker.js';
import { PresenceTracker } from './presence-tracker.js';

/** What the JS `Presence.syncDiff` does with a diff (joins first, then leaves, by phx_ref). */
function apply(state: Map<string, PresenceMeta[]>, diff: PresenceDiff): void {
  for (const [key, { metas }] of Object.entries(diff.joins)) {
    const refs = new Set(metas.map((m) => m.phx_ref));
    const kept = (state.get(key) ?? []).filter((m) => !refs.has(m.phx_ref));
    state.set(key, [...metas, ...kept]);
  }
  for (const [key, { metas }] of Object.entries(diff.leaves)) {
    const refs = new Set(metas.map((m) => m.phx_ref));
    const left = (state.get(key) ?? []).filter((m) => !refs.has(m.phx_ref));
    if (left.length === 0) state.delete(key);
    else state.set(key, left);
  }
}

const refsOf = (state: Map<string, PresenceMeta[]>) =>
  Object.fromEntries([...state].map(([k, metas]) => [k, metas.map((m) => m.phx_ref).sort()]));

const stateRefs = (state: PresenceState) =>
  Object.fromEntries(
    Object.entries(state).map(([k, { metas }]) => [k, metas.map((m) => m.phx_ref).sort()]),
  );

const empty = (): PresenceDiff => ({ joins: {}, leaves: {} });

describe('mergeDiff', () => {
  it('gives, applied once, what the diffs give applied one by one', () => {
    const tracker = new PresenceTracker();
    const [a, b, c] = [{}, {}, {}];
    const before = new Map<string, PresenceMeta[]>();
    apply(before, tracker.track('t', a, 'ann', { v: 0 }).diff); // known to clients
    apply(before, tracker.track('t', b, 'bob', { v: 0 }).diff);

    const diffs: PresenceDiff[] = [
      tracker.track('t', c, 'ann', { v: 1 }).diff, // second meta for ann
      tracker.update('t', a, 'ann', { v: 2 })!.diff, // a known meta replaced
      tracker.track('t', a, 'cat', { v: 3 }).diff, // joins…
      tracker.untrack('t', a, 'cat')!, // …and leaves within the batch
      tracker.update('t', c, 'ann', { v: 4 })!.diff, // an unannounced meta replaced
      ...tracker.untrackAll(b).map((x) => x.diff), // bob leaves
    ];
    const oneByOne = new Map(before);
    for (const d of diffs) apply(oneByOne, d);

    const merged = empty();
    for (const d of diffs) mergeDiff(merged, d);
    const atOnce = new Map(before);
    apply(atOnce, merged);

    expect(refsOf(atOnce)).toEqual(refsOf(oneByOne));
    expect(refsOf(atOnce)).toEqual(stateRefs(tracker.list('t')));
    // What joined and left inside the batch is never mentioned.
    expect(Object.keys(merged.joins)).toEqual(['ann']);
    expect(Object.keys(merged.leaves).sort()).toEqual(['ann', 'bob']);
    expect(merged.joins.ann.metas).toHaveLength(2);
    expect(merged.leaves.ann.metas).toHaveLength(1);
  });

  it('keeps keys such as __proto__ as real keys', () => {
    const tracker = new PresenceTracker();
    const owner = {};
    const merged = empty();
    mergeDiff(merged, tracker.track('t', owner, '__proto__', {}).diff);
    expect(Object.keys(merged.joins)).toEqual(['__proto__']);
    expect(JSON.parse(JSON.stringify(merged)).joins.__proto__.metas).toHaveLength(1);
    mergeDiff(merged, tracker.untrack('t', owner, '__proto__')!);
    expect(isEmptyDiff(merged)).toBe(true);
    expect(Object.getPrototypeOf(merged.joins)).toBe(Object.prototype);
  });
});
