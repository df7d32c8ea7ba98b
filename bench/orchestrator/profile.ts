import fs from 'node:fs';

/** The parts of V8's `.cpuprofile` (what `node --cpu-prof` writes) that are used here. */
export interface CpuProfile {
  nodes: Array<{
    id: number;
    callFrame: { functionName: string; url: string; lineNumber?: number };
    hitCount?: number;
    children?: number[];
  }>;
  /** µs, V8's monotonic clock. */
  startTime: number;
  endTime: number;
  /** Node id of each sample, in time order. */
  samples?: number[];
  /** µs between a sample and the one before it (the first: since startTime). */
  timeDeltas?: number[];
}

export interface ProfileEntry {
  functionName: string;
  /** Shortened script location (`node:net`, `node_modules/ws/lib/sender.js`, `dist/src/…`). */
  location: string;
  /** Where it belongs: a package, `node core`, a Nestling directory, a VM state. */
  area: string;
  selfMs: number;
  /** Of the busy (non-idle) time. */
  percent: number;
}

export interface ProfileSummary {
  /** Sampled time considered (the window, or the whole profile), ms. */
  totalMs: number;
  idleMs: number;
  busyMs: number;
  samples: number;
  top: ProfileEntry[];
  areas: Array<{ area: string; selfMs: number; percent: number }>;
}

export interface AggregateOptions {
  /** Only samples taken in this window, µs after the profile's start. */
  window?: { fromUs: number; toUs: number };
  /** How many functions to list (default 15). */
  top?: number;
}

/** `file:///work/main/node_modules/ws/lib/sender.js` → `node_modules/ws/lib/sender.js`. */
export function shortLocation(url: string): string {
  if (!url) return '';
  const plain = url.replace(/^file:\/\//, '');
  const modules = plain.lastIndexOf('/node_modules/');
  if (modules >= 0) return plain.slice(modules + 1);
  const dist = plain.indexOf('/dist/');
  if (dist >= 0) return plain.slice(dist + 1);
  return plain.startsWith(process.cwd() + '/') ? plain.slice(process.cwd().length + 1) : plain;
}

export function areaOf(functionName: string, url: string): string {
  if (!url) return /^\(.*\)$/.test(functionName) ? functionName : '(native)';
  if (url.startsWith('node:')) return 'node core';
  const location = shortLocation(url);
  const pkg = /^node_modules\/((?:@[^/]+\/)?[^/]+)/.exec(location);
  if (pkg) return pkg[1];
  const own = /^dist\/(src(?:\/.*)?)\/[^/]+$/.exec(location);
  if (own) return `nestling ${own[1]}`;
  return location;
}

/**
 * Self time per function (name + script), from the sample timeline when the profile has one
 * (restricted to `window` if given), else from hit counts.
 */
export function aggregateProfile(
  profile: CpuProfile,
  options: AggregateOptions = {},
): ProfileSummary {
  const byId = new Map(profile.nodes.map((n) => [n.id, n]));
  const selfUs = new Map<number, number>();
  let samples = 0;
  const ids = profile.samples ?? [];
  const deltas = profile.timeDeltas ?? [];
  if (ids.length > 0 && deltas.length === ids.length) {
    const mean = (profile.endTime - profile.startTime) / ids.length;
    let t = 0;
    for (let i = 0; i < ids.length; i++) {
      t += deltas[i];
      if (options.window && (t < options.window.fromUs || t > options.window.toUs)) continue;
      const duration = i + 1 < deltas.length ? Math.max(0, deltas[i + 1]) : mean;
      selfUs.set(ids[i], (selfUs.get(ids[i]) ?? 0) + duration);
      samples += 1;
    }
  } else {
    const hits = profile.nodes.reduce((sum, n) => sum + (n.hitCount ?? 0), 0);
    const perHit = hits > 0 ? (profile.endTime - profile.startTime) / hits : 0;
    for (const node of profile.nodes) {
      if (node.hitCount) selfUs.set(node.id, node.hitCount * perHit);
      samples += node.hitCount ?? 0;
    }
  }

  const functions = new Map<string, Omit<ProfileEntry, 'percent'>>();
  const areas = new Map<string, number>();
  let idleUs = 0;
  let totalUs = 0;
  for (const [id, us] of selfUs) {
    const node = byId.get(id);
    if (!node) continue;
    totalUs += us;
    const name = node.callFrame.functionName || '(anonymous)';
    if (name === '(idle)') {
      idleUs += us;
      continue;
    }
    const url = node.callFrame.url;
    const key = `${name}\u0000${url}`;
    const area = areaOf(name, url);
    const entry = functions.get(key) ?? {
      functionName: name,
      location: shortLocation(url),
      area,
      selfMs: 0,
    };
    entry.selfMs += us / 1000;
    functions.set(key, entry);
    areas.set(area, (areas.get(area) ?? 0) + us / 1000);
  }
  const busyMs = (totalUs - idleUs) / 1000;
  const percent = (ms: number) => (busyMs > 0 ? (100 * ms) / busyMs : 0);
  return {
    totalMs: totalUs / 1000,
    idleMs: idleUs / 1000,
    busyMs,
    samples,
    top: [...functions.values()]
      .sort((a, b) => b.selfMs - a.selfMs)
      .slice(0, options.top ?? 15)
      .map((e) => ({ ...e, percent: percent(e.selfMs) })),
    areas: [...areas.entries()]
      .map(([area, selfMs]) => ({ area, selfMs, percent: percent(selfMs) }))
      .sort((a, b) => b.selfMs - a.selfMs),
  };
}

export function loadProfile(file: string): CpuProfile {
  return JSON.parse(fs.readFileSync(file, 'utf8')) as CpuProfile;
}
